import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { signCheckpoint, verifyCheckpoint } from '../../src/audit/checkpoint.ts'
import { decodeEntry, encodeEntry } from '../../src/audit/entry.ts'
import type { AuditEntry } from '../../src/audit/entry.ts'
import { MemoryTree } from '../../src/audit/merkle.ts'
import { verifyEntries, verifyEntryIncluded } from '../../src/audit/verify.ts'
import { equalBytes } from '../../src/encoding/bytes.ts'
import { AuditVerificationError, InvalidRecordError } from '../../src/errors.ts'
import { testSigner } from './signers.ts'

const text = (max: number): fc.Arbitrary<string> => fc.string({ minLength: 1, maxLength: max, unit: 'grapheme' }).filter(s => new TextEncoder().encode(s).length <= max)
const code = fc.stringMatching(/^ERR_[A-Z0-9_]{1,20}$/)
const time = fc.nat({ max: 2 ** 48 })
const origin = fc.constantFrom('member' as const, 'replica' as const)
const term = fc.integer({ min: 1, max: 2 ** 48 })
// A term change only goes up: previous below term.
const termChange = fc.tuple(fc.nat({ max: 2 ** 48 }), fc.integer({ min: 1, max: 2 ** 20 })).map(([previous, step]) => ({ previous, term: previous + step }))

const signer = await testSigner()

const entryArb: fc.Arbitrary<AuditEntry> = fc.oneof(
  fc.record({ kind: fc.constantFrom('stored' as const, 'replaced' as const, 'sibling' as const), time, key: text(256), origin }),
  fc.record({ kind: fc.constant('rejected' as const), time, key: text(256), origin, code }),
  fc.record({ kind: fc.constant('repaired' as const), time, key: text(256), peer: text(128) }),
  fc.record({ kind: fc.constant('cleaned-up' as const), time, key: text(256) }),
  fc.record({ kind: fc.constant('policy' as const), time, version: fc.nat() }),
  fc.record({ kind: fc.constant('revocation' as const), time, member: text(128), at: time, version: fc.nat() }),
  fc.record({ kind: fc.constant('split-view' as const), time, peer: text(128) }),
  fc.record({ kind: fc.constant('election' as const), time, term, leader: text(128) }),
  fc.tuple(fc.record({ kind: fc.constant('term' as const), time, leader: text(128) }, { requiredKeys: ['kind', 'time'] }), termChange)
    .map(([entry, change]) => ({ ...entry, ...change }))
)

describe('audit entry codec', () => {
  it('round-trips every entry, canonically', () => {
    fc.assert(fc.property(entryArb, entry => {
      const bytes = encodeEntry(entry)
      expect(decodeEntry(bytes)).toEqual(entry)
      expect(equalBytes(encodeEntry(decodeEntry(bytes)), bytes)).toBe(true)
    }), { numRuns: 300 })
  })

  it('turns any byte string into an entry that re-encodes to it, or InvalidRecordError', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), entryArb.chain(entry => {
      const bytes = encodeEntry(entry)
      return fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, flip]) => {
        const copy = bytes.slice()
        copy[at] = (copy[at] as number) ^ flip
        return copy
      })
    })), bytes => {
      try {
        expect(equalBytes(encodeEntry(decodeEntry(bytes)), bytes)).toBe(true)
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidRecordError)
      }
    }), { numRuns: 500 })
  })

  it('refuses entries it cannot write down faithfully', () => {
    expect(() => encodeEntry({ kind: 'stored', time: 1, key: '', origin: 'member' })).toThrow(InvalidRecordError)
    expect(() => encodeEntry({ kind: 'rejected', time: 1, key: 'k', origin: 'member', code: 'not a code' })).toThrow(InvalidRecordError)
    expect(() => encodeEntry({ kind: 'policy', time: -1, version: 1 })).toThrow(InvalidRecordError)
    expect(() => encodeEntry({ kind: 'stored', time: 1, key: 'x'.repeat(257), origin: 'member' })).toThrow(InvalidRecordError)
    // Term 0 has no leader; terms only grow; a leader is named by a peer id.
    expect(() => encodeEntry({ kind: 'election', time: 1, term: 0, leader: 'p' })).toThrow(InvalidRecordError)
    expect(() => encodeEntry({ kind: 'election', time: 1, term: 1, leader: '' })).toThrow(InvalidRecordError)
    expect(() => encodeEntry({ kind: 'term', time: 1, previous: 3, term: 3 })).toThrow(InvalidRecordError)
    expect(() => encodeEntry({ kind: 'term', time: 1, previous: 4, term: 3, leader: 'p' })).toThrow(InvalidRecordError)
    expect(() => encodeEntry({ kind: 'term', time: 1, previous: 0, term: 1, leader: 'x'.repeat(129) })).toThrow(InvalidRecordError)
  })

  it('reads a term change with and without its leader, and no other leader flag', () => {
    const named = encodeEntry({ kind: 'term', time: 7, previous: 1, term: 2, leader: 'leader-id' })
    const unnamed = encodeEntry({ kind: 'term', time: 7, previous: 1, term: 2 })
    expect(decodeEntry(named)).toEqual({ kind: 'term', time: 7, previous: 1, term: 2, leader: 'leader-id' })
    expect(decodeEntry(unnamed)).toStrictEqual({ kind: 'term', time: 7, previous: 1, term: 2 })
    const flag = unnamed.slice()
    flag[flag.length - 1] = 2
    expect(() => decodeEntry(flag)).toThrow(InvalidRecordError)
  })
})

describe('a log checked against its signed checkpoint', () => {
  // Distinct times make every entry's bytes distinct, so a reordering is a change.
  const logArb = fc.uniqueArray(entryArb, { minLength: 1, maxLength: 40, selector: entry => entry.time })

  async function signedLogOf (entries: readonly AuditEntry[]) {
    const data = entries.map(encodeEntry)
    const tree = new MemoryTree()
    for (const bytes of data) tree.append(bytes)
    const checkpoint = await signCheckpoint(signer, { size: tree.size, root: await tree.root(), time: 1 })
    return { data, tree, checkpoint }
  }

  it('verifies as published, and fails when any entry is changed, dropped, added or two are swapped', async () => {
    const mutation = fc.oneof(
      fc.record({ type: fc.constant('change' as const), at: fc.nat(), entry: entryArb }),
      fc.record({ type: fc.constant('drop' as const), at: fc.nat() }),
      fc.record({ type: fc.constant('add' as const), at: fc.nat(), entry: entryArb }),
      fc.record({ type: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() })
    )
    await fc.assert(fc.asyncProperty(logArb, mutation, async (entries, change) => {
      const { data, checkpoint } = await signedLogOf(entries)
      await verifyCheckpoint(checkpoint)
      await verifyEntries(data, checkpoint)
      const at = change.at % data.length
      const tampered = [...data]
      if (change.type === 'change') {
        const bytes = encodeEntry(change.entry)
        fc.pre(!equalBytes(bytes, data[at] as Uint8Array))
        tampered[at] = bytes
      } else if (change.type === 'drop') {
        tampered.splice(at, 1)
      } else if (change.type === 'add') {
        tampered.splice(at, 0, encodeEntry(change.entry))
      } else {
        const other = change.other % data.length
        fc.pre(other !== at)
        tampered[at] = data[other] as Uint8Array
        tampered[other] = data[at] as Uint8Array
      }
      await expect(verifyEntries(tampered, checkpoint)).rejects.toThrow(AuditVerificationError)
      // Fixing the count up does not help: the root still differs.
      await expect(verifyEntries(tampered, { ...checkpoint, size: tampered.length })).rejects.toThrow(AuditVerificationError)
    }), { numRuns: 200 })
  })

  it('proves each entry in the checkpoint, and no changed entry', async () => {
    await fc.assert(fc.asyncProperty(logArb, fc.nat(), entryArb, async (entries, n, other) => {
      const { data, tree, checkpoint } = await signedLogOf(entries)
      const index = n % data.length
      const proof = await tree.inclusionProof(index)
      verifyEntryIncluded(index, data[index] as Uint8Array, proof, checkpoint)
      const changed = encodeEntry(other)
      fc.pre(!equalBytes(changed, data[index] as Uint8Array))
      expect(() => { verifyEntryIncluded(index, changed, proof, checkpoint) }).toThrow(AuditVerificationError)
    }), { numRuns: 100 })
  })
})
