import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DECISION_LINKS, DECISION_STATUSES, parseDecisionFields } from '../../src/decisions/decision-fields.ts'
import { InvalidRecordError } from '../../src/errors.ts'
import { parseContextItem } from '../../src/record/context-item.ts'

const address = fc.constantFrom('ucxl://p/src', 'ucxl://P/src/', 'ucxl://a:r@p:t/x', 'ucxl://p/../x', 'not an address', '')
const draft = fc.record({
  status: fc.oneof(fc.constantFrom(...DECISION_STATUSES), fc.string()),
  affects: fc.oneof(fc.array(address, { maxLength: 3 }), fc.string(), fc.constant(undefined)),
  links: fc.oneof(fc.array(fc.record({ type: fc.oneof(fc.constantFrom(...DECISION_LINKS), fc.string()), target: address }), { maxLength: 3 }), fc.integer(), fc.constant(undefined)),
  rationale: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)),
  alternatives: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined)),
  validAt: fc.oneof(fc.constant('2026-01-01T00:00:00Z'), fc.constant('2026-07-01T00:00:00Z'), fc.string(), fc.constant(undefined)),
  invalidAt: fc.oneof(fc.constant('2026-06-01T00:00:00Z'), fc.string(), fc.constant(undefined))
}, { requiredKeys: [] })

describe('decision fields', () => {
  it('parse or refuse with InvalidRecordError, never anything else; what parses parses again to itself', () => {
    fc.assert(fc.property(fc.oneof(draft, fc.anything()), value => {
      let parsed
      try {
        parsed = parseDecisionFields(value)
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidRecordError)
        return
      }
      expect(parseDecisionFields(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed)
      for (const target of [...parsed.affects, ...parsed.links.map(link => link.target)]) expect(target).toMatch(/^ucxl:\/\//)
    }), { seed: 0xdec2, numRuns: 1000 })
  })

  it('belong to decision items only', () => {
    const item = { address: 'ucxl://p/d/1', summary: 'x', contentType: 'context', creatorRole: 'r', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', decision: { status: 'accepted' } }
    expect(() => parseContextItem(item)).toThrow(InvalidRecordError)
    expect(parseContextItem({ ...item, contentType: 'decision' }).decision).toEqual({ status: 'accepted', affects: [], links: [], alternatives: [] })
  })
})
