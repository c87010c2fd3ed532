import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { assertNoProblems, formatExportLine, parseImportFile, parseImportLine } from '../../relay/context-lines.ts'
import { fromRanges, pendingItems, toRanges } from '../../relay/import-state.ts'
import { normaliseAddress } from '../../src/address/index.ts'
import { InvalidLinesError, InvalidRecordError, SlurpError, UnknownRoleError, UsageError } from '../../src/errors.ts'
import { parseContextItem } from '../../src/record/context-item.ts'
import type { ContextItem } from '../../src/record/context-item.ts'
import { validAddress } from '../address/arbitraries.ts'

const ROLES = ['backend_developer', 'senior_architect', 'qa_engineer']
const rules = { knownRoles: new Set([...ROLES, 'observer']), heldRoles: new Set(ROLES) }

const address = validAddress.filter(text => {
  try {
    return !normaliseAddress(text).includes('/.slurp')
  } catch {
    return false
  }
})
const words = fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 })
const time = fc.integer({ min: 0, max: 4_102_444_800_000 }).map(ms => new Date(ms).toISOString())

/** A context item as a reader gets it, so as export writes it. */
const item: fc.Arbitrary<ContextItem> = fc.record({
  address,
  summary: fc.string({ maxLength: 80 }),
  purpose: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  technologies: words,
  tags: words,
  insights: words,
  parent: fc.option(address, { nil: undefined }),
  body: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
  metadata: fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }), { nil: undefined }),
  kind: fc.oneof(
    fc.constantFrom('context', 'task', 'suggestion').map(contentType => ({ contentType })),
    fc.record({ status: fc.constantFrom('proposed', 'accepted'), affects: fc.array(address, { maxLength: 2 }), rationale: fc.string({ maxLength: 30 }) })
      .map(decision => ({ contentType: 'decision', decision }))
  ),
  creatorRole: fc.constantFrom(...ROLES),
  createdAt: time,
  updatedAt: time
}).map(({ kind, ...fields }) => parseContextItem(JSON.parse(JSON.stringify({ ...fields, ...kind }))))

describe('JSONL lines (import/export format)', () => {
  it('round trip: what import reads from an export line makes the same item again (times aside)', () => {
    fc.assert(fc.property(item, fc.integer({ min: 1, max: 1_000_000 }), (original, line) => {
      const parsed = parseImportLine(formatExportLine(original), line, rules)
      expect(parsed).toMatchObject({ line, address: original.address, type: original.contentType, as: original.creatorRole })
      const again = parseContextItem({ ...parsed.draft, address: parsed.address, contentType: parsed.type, creatorRole: parsed.as, createdAt: original.createdAt, updatedAt: original.updatedAt })
      expect(again).toEqual(original)
    }), { numRuns: 300 })
  })

  it('never throws anything but a named SlurpError, whatever the line holds', () => {
    const fieldName = fc.constantFrom('address', 'summary', 'tags', 'type', 'as', 'decision', 'metadata', 'parent', 'contentType', 'creatorRole', 'x')
    const line = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.json(),
      fc.dictionary(fieldName, fc.jsonValue(), { maxKeys: 6 }).map(value => JSON.stringify(value)),
      fc.tuple(item, fieldName, fc.jsonValue()).map(([good, field, value]) => JSON.stringify({ ...good, [field]: value }))
    )
    fc.assert(fc.property(line, text => {
      try {
        const parsed = parseImportLine(text, 1, rules)
        expect(typeof parsed.address).toBe('string')
      } catch (error) {
        expect(error).toBeInstanceOf(SlurpError)
      }
    }), { numRuns: 500 })
  })

  it('names every bad line of a file by its number, skips blank lines, and keeps the good ones in order', () => {
    const bad = fc.tuple(item, fc.constantFrom('drop-summary', 'unknown-field', 'broken-json', 'array', 'bad-type', 'unheld-role')).map(([good, how]) => {
      const { summary, ...rest } = good
      switch (how) {
        case 'drop-summary': return JSON.stringify(rest)
        case 'unknown-field': return JSON.stringify({ ...good, sumary: summary })
        case 'broken-json': return formatExportLine(good).slice(0, -1)
        case 'array': return JSON.stringify([good])
        case 'bad-type': return JSON.stringify({ ...good, type: 'memo' })
        case 'unheld-role': return JSON.stringify({ ...good, as: 'observer' })
      }
      return ''
    })
    const entry = fc.oneof(
      item.map(good => ({ kind: 'good' as const, text: formatExportLine(good) })),
      bad.map(text => ({ kind: 'bad' as const, text })),
      fc.constantFrom('', '   ', '\t').map(text => ({ kind: 'blank' as const, text }))
    )
    fc.assert(fc.property(fc.array(entry, { maxLength: 12 }), fc.boolean(), (entries, crlf) => {
      const text = entries.map(e => e.text).join(crlf ? '\r\n' : '\n')
      const { items, problems } = parseImportFile(text, rules)
      const numbers = (kind: string): number[] => entries.flatMap((e, i) => e.kind === kind ? [i + 1] : [])
      expect(items.map(i => i.line)).toEqual(numbers('good'))
      expect(problems.map(p => p.line)).toEqual(numbers('bad'))
      for (const problem of problems) expect(problem.error).toBeInstanceOf(SlurpError)
    }), { numRuns: 200 })
  })

  it('says what is wrong with a line, with the error that names it', () => {
    const good = { address: 'ucxl://p/src/a.ts', summary: 'a' }
    expect(() => parseImportLine('{"address":', 3)).toThrow(InvalidRecordError)
    expect(() => parseImportLine(JSON.stringify(good), 3)).toThrow(UsageError)
    expect(() => parseImportLine(JSON.stringify({ ...good, as: 'nobody' }), 3, rules)).toThrow(UnknownRoleError)
    expect(() => parseImportLine(JSON.stringify({ ...good, as: 'observer' }), 3, rules)).toThrow(/does not hold the role "observer"/)
    expect(() => parseImportLine(JSON.stringify({ ...good, address: 'ucxl://p/.slurp/directory/x/0', as: 'qa_engineer' }), 3, rules)).toThrow(/slurp's own records/)
    expect(() => parseImportLine(JSON.stringify({ ...good, as: 'qa_engineer', type: 'task', contentType: 'context' }), 3, rules)).toThrow(/disagree/)
    expect(() => parseImportLine(JSON.stringify({ ...good, as: 'qa_engineer', tags: 'x' }), 3, rules)).toThrow(/tags must be a list/)
    // "as" on the line wins over --as, which wins over the item's creatorRole.
    expect(parseImportLine(JSON.stringify({ ...good, as: 'qa_engineer', creatorRole: 'senior_architect' }), 1, { ...rules, as: 'backend_developer' }).as).toBe('qa_engineer')
    expect(parseImportLine(JSON.stringify({ ...good, creatorRole: 'senior_architect' }), 1, { ...rules, as: 'backend_developer' }).as).toBe('backend_developer')
    expect(parseImportLine(JSON.stringify({ ...good, creatorRole: 'senior_architect' }), 1, rules).as).toBe('senior_architect')
  })

  it('refuses a file with bad lines as a whole, listing them by number', () => {
    const text = ['{"address":"ucxl://p/a","summary":"a","as":"qa_engineer"}', 'nope', '', '{"address":"ucxl://p/b","as":"qa_engineer"}'].join('\n')
    const { items, problems } = parseImportFile(text, rules)
    expect(items).toHaveLength(1)
    let thrown: unknown
    try {
      assertNoProblems(problems, items.length + problems.length)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InvalidLinesError)
    expect((thrown as InvalidLinesError).lines.map(l => l.line)).toEqual([2, 4])
    expect((thrown as Error).message).toMatch(/^2 of 3 lines are not valid context items; nothing was written:\n {2}line 2: InvalidRecordError: not valid JSON\n {2}line 4: InvalidRecordError: context item summary must be a string$/)
  })
})

describe('import state', () => {
  it('keeps the lines done as ranges and reads exactly them back', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { maxLength: 200 }), lines => {
      const ranges = toRanges(lines)
      for (const [i, [first, last]] of ranges.entries()) {
        expect(first).toBeLessThanOrEqual(last)
        // Sorted, and never two ranges that could be one.
        if (i > 0) expect(first).toBeGreaterThan((ranges[i - 1] as [number, number])[1] + 1)
      }
      expect(fromRanges(JSON.parse(JSON.stringify(ranges)), 500)).toEqual([...lines].sort((a, b) => a - b))
    }))
    expect(toRanges(Array.from({ length: 1_000_000 }, (_, i) => i + 1))).toEqual([[1, 1_000_000]])
    expect(() => fromRanges([[1, 2e9]], 10)).toThrow(InvalidRecordError)
    expect(() => fromRanges([[3, 2]], 10)).toThrow(InvalidRecordError)
  })

  it('resumes with the lines not done, leaving out earlier versions of a record a later done line wrote', () => {
    const items = [
      { line: 1, address: 'ucxl://p/a', type: 'context' },
      { line: 2, address: 'ucxl://p/b', type: 'context' },
      { line: 3, address: 'ucxl://p/a', type: 'suggestion' },
      { line: 4, address: 'ucxl://p/a', type: 'decision' },
      { line: 5, address: 'ucxl://p/c', type: 'context' }
    ]
    const done = new Set([2, 4])
    const { todo, skipped } = pendingItems(items, done)
    // Line 1 is an older version of what line 4 wrote; line 3 (a suggestion) is a record of its own.
    expect(todo.map(i => i.line)).toEqual([3, 5])
    expect(skipped).toBe(3)
    expect([...done].sort()).toEqual([1, 2, 4])
    expect(pendingItems(items, new Set()).todo).toHaveLength(5)
  })
})
