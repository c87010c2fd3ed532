import { describe, expect, it } from 'vitest'
import { WriteAdmission } from '../../src/admission/write-admission.ts'
import { decodeEntry } from '../../src/audit/entry.ts'
import type { AuditEntry } from '../../src/audit/entry.ts'
import { RelayAudit } from '../../src/audit/relay-audit.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { QuotaExceededError, StaleRecordError } from '../../src/errors.ts'
import { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import { siblingSetDigest } from '../../src/record/siblings.ts'
import { decodeEnvelope } from '../../src/record/envelope.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { PolicyBook } from '../../src/trust/policy-book.ts'
import { writeRecord } from '../http/fixtures.ts'
import { TestKeyAdmin } from '../helpers/key-admin.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'

// What a relay's parts report, as the audit log writes it down: the same
// keeper, policy book and admission a RelayNode wires, without the network.
describe('what the relay audit notes', () => {
  it('stores, replacements, refusals (keeper and quota), cleanups, policy changes and revocations', async () => {
    const network = await createTestNetwork()
    const member = await createTestMember(network, ['backend_developer'])
    const store = createMemoryStore()
    await store.open()
    let now = 1_000
    const audit = new RelayAudit(store, { now: () => now++ })
    await audit.open()
    const book = new PolicyBook(network.root.publicKey, { policy: network.policy })
    const keeper = new RecordKeeper({ store, validation: () => ({ rootPublicKey: network.root.publicKey, policy: book.policy }) })
    audit.watch({ keeper, policyBook: book })
    const admission = new WriteAdmission({ quota: () => ({ writesPerMinute: 2, bytesPerMinute: 10_000_000 }), onRefused: ({ code, record }) => { audit.refused(code, record) } })

    const first = await writeRecord(network, member, 'ucxl://audit/a.md', 'one')
    const second = await writeRecord(network, member, 'ucxl://audit/a.md', 'two', decodeEnvelope(first.bytes).clock)
    await admission.admit(first.bytes, async () => await keeper.put(first.key, first.bytes))
    await admission.admit(second.bytes, async () => await keeper.put(second.key, second.bytes))
    const third = await writeRecord(network, member, 'ucxl://audit/b.md', 'three')
    await expect(admission.admit(third.bytes, async () => await keeper.put(third.key, third.bytes))).rejects.toThrow(QuotaExceededError)
    // A replica older than what is held: how replication goes, not logged.
    await expect(keeper.put(first.key, first.bytes, { origin: 'replica' })).rejects.toThrow(StaleRecordError)
    // The same refused first-hand: logged.
    await expect(keeper.put(first.key, first.bytes)).rejects.toThrow(StaleRecordError)
    const digest = (await keeper.digests()).get(first.key) as Uint8Array
    expect(digest).toEqual(siblingSetDigest([decodeEnvelope(second.bytes)]))
    expect(await keeper.remove(first.key, digest)).toBe(true)
    const signed = await new TestKeyAdmin(network).rotate(['backend_developer'], { member: toBase64url(member.signer.publicKey), at: 5 })
    expect(await book.offer(signed)).toBe(true)

    await audit.log.flush()
    const entries: AuditEntry[] = (await audit.log.entries(0, 100)).map(entry => decodeEntry(entry.data))
    expect(entries.map(({ time, ...rest }) => rest)).toEqual([
      { kind: 'stored', key: first.key, origin: 'member' },
      { kind: 'replaced', key: first.key, origin: 'member' },
      { kind: 'rejected', key: third.key, origin: 'member', code: 'ERR_QUOTA_EXCEEDED' },
      { kind: 'rejected', key: first.key, origin: 'member', code: 'ERR_STALE_RECORD' },
      { kind: 'cleaned-up', key: first.key },
      { kind: 'policy', version: signed.policy.version },
      { kind: 'revocation', member: toBase64url(member.signer.publicKey), at: 5, version: signed.policy.version }
    ])
    expect(entries.map(entry => entry.time)).toEqual([...entries.keys()].map(i => 1_000 + i))
  })
})
