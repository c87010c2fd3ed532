import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { equalBytes } from '../../src/encoding/bytes.ts'
import { SlurpError } from '../../src/errors.ts'
import { createContextRecord } from '../../src/record/context-record.ts'
import { validateRecord } from '../../src/record/validator.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'

// Hostile bytes must only ever produce named errors, and nothing that differs
// from a validly signed record may be accepted. The seed is printed on failure
// by fast-check, so any finding replays with { seed, path }.
const RUNS = Number(process.env.SLURP_FUZZ_RUNS ?? 10_000)

const network = await createTestNetwork()
const context = { rootPublicKey: network.root.publicKey, policy: network.policy }
const member = await createTestMember(network, ['backend_developer', 'senior_architect'])
const originals = await Promise.all([
  createContextRecord({ policy: network.policy, author: member.author('backend_developer'), address: 'ucxl://p/a.go', draft: { summary: 'a' } }),
  createContextRecord({ policy: network.policy, author: member.author('senior_architect'), address: 'ucxl://agent:senior_architect@p:t/docs/adr-1', contentType: 'decision', draft: { summary: 'use LevelDB', tags: ['storage'] } })
])

type Mutation =
  | { kind: 'flip', at: number, bit: number }
  | { kind: 'set', at: number, value: number }
  | { kind: 'truncate', at: number }
  | { kind: 'insert', at: number, bytes: Uint8Array }
  | { kind: 'delete', at: number, length: number }
  | { kind: 'duplicate', at: number, length: number }
  | { kind: 'splice', at: number, from: number }

const position = fc.nat({ max: 100_000 })
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: position, value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('splice' as const), at: position, from: position })
)

function apply (bytes: Uint8Array, other: Uint8Array, m: Mutation): Uint8Array {
  const at = m.at % (bytes.length + 1)
  const out = Array.from(bytes)
  switch (m.kind) {
    case 'flip': if (at < out.length) out[at] = (out[at] as number) ^ (1 << m.bit); break
    case 'set': if (at < out.length) out[at] = m.value; break
    case 'truncate': out.length = at; break
    case 'insert': out.splice(at, 0, ...m.bytes); break
    case 'delete': out.splice(at, m.length); break
    case 'duplicate': out.splice(at, 0, ...out.slice(at, at + m.length)); break
    case 'splice': return Uint8Array.from([...out.slice(0, at), ...Array.from(other.subarray(m.from % (other.length + 1)))])
  }
  return Uint8Array.from(out)
}

describe('envelope fuzzing', () => {
  it(`${RUNS} mutated envelopes: none accepted, every rejection a named error`, async () => {
    let rejected = 0
    await fc.assert(fc.asyncProperty(fc.nat({ max: 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (which, mutations) => {
      const original = (originals[which] as typeof originals[number]).bytes
      const other = (originals[1 - which] as typeof originals[number]).bytes
      const mutated = mutations.reduce((bytes, m) => apply(bytes, other, m), original)
      if (equalBytes(mutated, original) || equalBytes(mutated, other)) return
      try {
        await validateRecord(mutated, context)
      } catch (error) {
        expect(error).toBeInstanceOf(SlurpError)
        rejected++
        return
      }
      throw new Error('a mutated envelope was accepted')
    }), { numRuns: RUNS })
    expect(rejected).toBeGreaterThan(RUNS * 0.9)
  })

  it('random byte strings are rejected with named errors', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
      await expect(validateRecord(bytes, context)).rejects.toBeInstanceOf(SlurpError)
    }), { numRuns: 2000 })
  })
})
