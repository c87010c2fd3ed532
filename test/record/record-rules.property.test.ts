import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dhtKey } from '../../src/address/index.ts'
import { increment, merge } from '../../src/clock/vector-clock.ts'
import type { VectorClock } from '../../src/clock/vector-clock.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { SlurpError } from '../../src/errors.ts'
import { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import { decodeEnvelope } from '../../src/record/envelope.ts'
import type { RecordEnvelope } from '../../src/record/envelope.ts'
import { sealRecord } from '../../src/record/seal.ts'
import { selectWinner, siblingSetDigest } from '../../src/record/siblings.ts'
import { CONTENT_TYPES, compareAuthority, mayWrite } from '../../src/roles/authority.ts'
import { readersOf } from '../../src/roles/role.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import type { TestMember } from '../helpers/network.ts'

// Property tests on a keeper with real (signed) records.
const network = await createTestNetwork()
const policy = network.policy
const writers = Object.values(policy.roles).filter(role => CONTENT_TYPES.some(type => mayWrite(policy.writeRules, role.authority, type))).map(role => role.name)
const members = new Map<string, TestMember>()
for (const role of writers) members.set(role, await createTestMember(network, [role]))
const keys = [await dhtKey('ucxl://project123/property/one'), await dhtKey('ucxl://project123/property/two')]
const T0 = Date.now() - 60_000

async function freshKeeper (): Promise<RecordKeeper> {
  const store = createMemoryStore()
  await store.open()
  return new RecordKeeper({ store, validation: () => ({ rootPublicKey: network.root.publicKey, policy }) })
}

/** One write: who, what type, on top of what, how late its timestamp. */
const write = fc.record({
  role: fc.constantFrom(...writers),
  type: fc.constantFrom(...CONTENT_TYPES),
  key: fc.constantFrom(0, 1),
  // 'top': on top of everything held (an honest writer); 'winner': on top of
  // the held winner only (its cleartext clock, advanced); 'own': blind.
  base: fc.constantFrom('top', 'winner', 'own'),
  late: fc.nat({ max: 3 })
})

async function sign (step: number, w: { role: string, type: string, key: number, base: string, late: number }, held: readonly RecordEnvelope[]): Promise<Uint8Array | undefined> {
  const member = members.get(w.role) as TestMember
  const authority = policy.roles[w.role]?.authority
  if (authority === undefined || !mayWrite(policy.writeRules, authority, w.type as never)) return undefined
  const me = toBase64url(member.signer.publicKey)
  const winner = selectWinner(held)
  const base: VectorClock = w.base === 'top' ? held.reduce<VectorClock>((acc, v) => merge(acc, v.clock), {}) : w.base === 'winner' && winner !== undefined ? winner.clock : {}
  const own = Math.max(0, ...held.map(v => v.clock[me] ?? 0))
  const updated = T0 + step * 10 - w.late * 15
  const sealed = await sealRecord({
    key: keys[w.key] as string,
    clock: increment({ ...base, [me]: Math.max(base[me] ?? 0, own) }, me),
    signer: member.signer,
    certificate: member.certificate,
    role: w.role,
    contentType: w.type,
    created: updated,
    updated,
    ciphertext: crypto.getRandomValues(new Uint8Array(16))
  })
  return sealed.bytes
}

const held = async (keeper: RecordKeeper, key: string): Promise<RecordEnvelope[]> => (await keeper.get(key)).map(decodeEnvelope)

describe('record rules, as properties', () => {
  // Issue 10 finding 4: random sequences of writes by random roles never leave
  // a role unable to read an item it could read before, unless a higher
  // authority replaced it.
  it('no accepted write takes an item away from a role that could read it, unless a higher authority wrote it', async () => {
    await fc.assert(fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 14 }), async writes => {
      const keeper = await freshKeeper()
      for (const [step, w] of writes.entries()) {
        const key = keys[w.key] as string
        const before = await held(keeper, key)
        const bytes = await sign(step, w, before)
        if (bytes === undefined) continue
        try {
          await keeper.put(key, bytes)
        } catch (error) {
          if (!(error instanceof SlurpError)) throw error
          expect(await held(keeper, key)).toEqual(before)
          continue
        }
        const after = await held(keeper, key)
        const incoming = decodeEnvelope(bytes)
        for (const gone of before.filter(v => !after.some(a => toBase64url(a.signature) === toBase64url(v.signature)))) {
          const lost = readersOf(policy.roles, gone.role).filter(r => !readersOf(policy.roles, incoming.role).includes(r))
          const higher = compareAuthority(policy.roles[incoming.role]!.authority, policy.roles[gone.role]!.authority) > 0
          expect(lost.length === 0 || higher, `${incoming.role} pushed out ${gone.role}'s version; ${lost.join(', ')} lost it`).toBe(true)
        }
        const was = selectWinner(before)
        const now = selectWinner(after)
        // Suggestions are read side by side (peer.suggestions), every one of
        // them: which one sorts first hides nothing, what is pushed out is checked above.
        const sideBySide = was?.contentType === 'suggestion' && now?.contentType === 'suggestion'
        if (was !== undefined && now !== undefined && now !== was && !sideBySide) {
          const lost = readersOf(policy.roles, was.role).filter(r => !readersOf(policy.roles, now.role).includes(r))
          const higher = compareAuthority(policy.roles[now.role]!.authority, policy.roles[was.role]!.authority) > 0
          expect(lost.length === 0 || higher, `${now.role} now wins over ${was.role}; ${lost.join(', ')} cannot read the winner`).toBe(true)
          expect(now.contentType).toBe(was.contentType)
        }
      }
    }), { numRuns: 40, seed: 1010 })
  }, 60_000)

  // Replicas must converge: every version a relay admitted, delivered to two
  // relays in different orders, leaves them with the same sibling set once
  // they have exchanged what they hold (anti-entropy), whatever the order.
  it('replicas of the same versions in any order converge to the same sibling set', async () => {
    await fc.assert(fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 14 }), fc.infiniteStream(fc.nat()), async (writes, shuffle) => {
      const origin = await freshKeeper()
      const admitted: Array<[string, Uint8Array]> = []
      for (const [step, w] of writes.entries()) {
        const key = keys[w.key] as string
        const bytes = await sign(step, w, await held(origin, key))
        if (bytes === undefined) continue
        if (await origin.put(key, bytes).then(() => true, () => false)) admitted.push([key, bytes])
      }
      const order = admitted.map((entry, i) => [entry, shuffle.next().value as number + i] as const).sort((a, b) => a[1] - b[1]).map(([entry]) => entry)
      const [x, y] = [await freshKeeper(), await freshKeeper()]
      for (const [key, bytes] of admitted) await x.put(key, bytes, { origin: 'replica' }).catch(() => {})
      for (const [key, bytes] of order) await y.put(key, bytes, { origin: 'replica' }).catch(() => {})
      for (let round = 0; round < 3; round++) {
        for (const key of keys) {
          for (const bytes of await x.get(key)) await y.put(key, bytes, { origin: 'replica' }).catch(() => {})
          for (const bytes of await y.get(key)) await x.put(key, bytes, { origin: 'replica' }).catch(() => {})
        }
      }
      for (const key of keys) {
        expect(toBase64url(siblingSetDigest(await held(x, key)))).toBe(toBase64url(siblingSetDigest(await held(y, key))))
      }
    }), { numRuns: 40, seed: 1011 })
  }, 60_000)
})
