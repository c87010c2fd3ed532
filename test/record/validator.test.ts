import { describe, expect, it } from 'vitest'
import { dhtKey } from '../../src/address/index.ts'
import { ExpiredCertificateError, InvalidRecordError, InvalidSignatureError, RecordTooLargeError, UnknownRoleError, WriteNotAllowedError } from '../../src/errors.ts'
import { createContextRecord, openContextRecord } from '../../src/record/context-record.ts'
import { decodeEnvelope, encodeEnvelope } from '../../src/record/envelope.ts'
import { sealRecord } from '../../src/record/seal.ts'
import { validateRecord } from '../../src/record/validator.ts'
import { createTestMember, createTestNetwork, observerRecord } from '../helpers/network.ts'

const network = await createTestNetwork()
const context = { rootPublicKey: network.root.publicKey, policy: network.policy }
const backend = await createTestMember(network, ['backend_developer'])
const address = 'ucxl://agent001:backend_developer@project123:task456/src/main.go'

async function makeRecord (overrides: { role?: string, member?: typeof backend, type?: 'context' | 'decision' | 'suggestion' } = {}) {
  const member = overrides.member ?? backend
  return await createContextRecord({
    policy: network.policy,
    author: member.author(overrides.role ?? 'backend_developer'),
    address,
    contentType: overrides.type ?? 'context',
    draft: { summary: 'Entry point of the API server', technologies: ['go'], tags: ['api'] }
  })
}

describe('record validator', () => {
  it('accepts a well-formed record and a reader decrypts it', async () => {
    const record = await makeRecord()
    const key = await dhtKey(address)
    const envelope = await validateRecord(record.bytes, context, key)
    expect(envelope.key).toBe(key)
    const opened = await openContextRecord(envelope, await network.keyring('senior_architect'))
    expect(opened.item.summary).toBe('Entry point of the API server')
    expect(opened.item.address).toBe(address)
    expect(opened.role).toBe('senior_architect')
  })

  it('the header holds no plaintext address or summary', async () => {
    const record = await makeRecord()
    const text = new TextDecoder('latin1').decode(record.bytes)
    expect(text).not.toContain('main.go')
    expect(text).not.toContain('project123')
    expect(text).not.toContain('Entry point')
  })

  it('rejects a record bound to another key', async () => {
    const record = await makeRecord()
    await expect(validateRecord(record.bytes, context, await dhtKey('ucxl://project123/other'))).rejects.toThrow(/key binding/)
  })

  it('rejects a flipped signature bit and a changed header field', async () => {
    const record = await makeRecord()
    const flipped = record.bytes.slice()
    const last = flipped.length - 1
    flipped[last] = (flipped[last] as number) ^ 0x01
    await expect(validateRecord(flipped, context)).rejects.toThrow(InvalidSignatureError)
    const relabelled = encodeEnvelope({ ...record.envelope, updated: record.envelope.updated + 1 })
    await expect(validateRecord(relabelled, context)).rejects.toThrow(InvalidSignatureError)
  })

  it('rejects a swapped ciphertext (hash mismatch)', async () => {
    const record = await makeRecord()
    const other = await makeRecord()
    const swapped = encodeEnvelope({ ...record.envelope, ciphertext: other.envelope.ciphertext })
    await expect(validateRecord(swapped, context)).rejects.toThrow(/hash/)
  })

  it('rejects read_only authors and content types above the role', async () => {
    const observer = await createTestMember(network, ['observer'])
    const write = await observerRecord(observer, address)
    await expect(validateRecord(write.bytes, context)).rejects.toThrow(WriteNotAllowedError)
    const decision = await makeRecord({ type: 'decision' })
    await expect(validateRecord(decision.bytes, context)).rejects.toThrow(/may not write decision/)
    const qa = await createTestMember(network, ['qa_engineer'])
    await expect(validateRecord((await makeRecord({ member: qa, role: 'qa_engineer' })).bytes, context)).rejects.toThrow(WriteNotAllowedError)
    await expect(validateRecord((await makeRecord({ member: qa, role: 'qa_engineer', type: 'suggestion' })).bytes, context)).resolves.toBeDefined()
  })

  it('rejects a role the certificate does not grant', async () => {
    const record = await makeRecord({ role: 'senior_architect' })
    await expect(validateRecord(record.bytes, context)).rejects.toThrow(/does not grant role "senior_architect"/)
  })

  it('rejects expired and not-yet-valid certificates', async () => {
    const expired = await createTestMember(network, ['backend_developer'], { notBefore: Date.now() - 10_000, notAfter: Date.now() - 1 })
    await expect(validateRecord((await makeRecord({ member: expired })).bytes, context)).rejects.toThrow(ExpiredCertificateError)
    const future = await createTestMember(network, ['backend_developer'], { notBefore: Date.now() + 60_000, notAfter: Date.now() + 120_000 })
    await expect(validateRecord((await makeRecord({ member: future })).bytes, context)).rejects.toThrow(ExpiredCertificateError)
  })

  it('rejects certificates from another network root', async () => {
    const other = await createTestNetwork()
    const stranger = await createTestMember(other, ['backend_developer'])
    const record = await createContextRecord({ policy: network.policy, author: stranger.author('backend_developer'), address, draft: { summary: 'x' } })
    await expect(validateRecord(record.bytes, context)).rejects.toThrow(/another network/)
  })

  it('rejects certificate roles the policy does not know', async () => {
    const member = await createTestMember(network, ['backend_developer', 'ghost'])
    const record = await makeRecord({ member })
    await expect(validateRecord(record.bytes, context)).rejects.toThrow(UnknownRoleError)
  })

  it('rejects a record whose author is not the certified member', async () => {
    const record = await makeRecord()
    const other = await createTestMember(network, ['backend_developer'])
    const forged = await sealRecord({ ...record.envelope, signer: other.signer, certificate: backend.certificate })
    await expect(validateRecord(forged.bytes, context)).rejects.toThrow(/not the member its certificate names/)
  })

  it('rejects oversize records before decoding them', async () => {
    const small = await createTestNetwork({ maxRecordBytes: 2048 })
    const member = await createTestMember(small, ['admin'])
    const record = await createContextRecord({ policy: small.policy, author: member.author('admin'), address, draft: { summary: 'x'.repeat(4096) } })
    await expect(validateRecord(record.bytes, { rootPublicKey: small.root.publicKey, policy: small.policy })).rejects.toThrow(RecordTooLargeError)
  })

  it('rejects timestamps from the future and clocks without the author', async () => {
    const record = await makeRecord()
    const later = await sealRecord({ ...record.envelope, signer: backend.signer, updated: Date.now() + 3_600_000 })
    await expect(validateRecord(later.bytes, context)).rejects.toThrow(/future/)
    const noClock = await sealRecord({ ...record.envelope, signer: backend.signer, clock: {} })
    await expect(validateRecord(noClock.bytes, context)).rejects.toThrow(/own counter/)
  })

  it('decode∘encode is the identity on valid envelopes', async () => {
    const record = await makeRecord()
    expect(encodeEnvelope(decodeEnvelope(record.bytes))).toEqual(record.bytes)
    expect(() => decodeEnvelope(record.bytes.subarray(0, 10))).toThrow(InvalidRecordError)
  })

  // Issue 10 finding 5: a record is judged by its certificate at its signed
  // time; only a member's first write must also hold a certificate valid now.
  it('judges a replica at its signed time, a member\'s write also now', async () => {
    const record = await makeRecord()
    const later = { ...context, now: () => backend.certificate.notAfter + 30 * 86_400_000 }
    await expect(validateRecord(record.bytes, later, undefined, { origin: 'replica' })).resolves.toBeDefined()
    await expect(validateRecord(record.bytes, later, undefined, { origin: 'member' })).rejects.toThrow(ExpiredCertificateError)
    await expect(validateRecord(record.bytes, later)).rejects.toThrow(ExpiredCertificateError)
    // Signed outside its certificate's window: refused whatever the origin.
    const backdated = await sealRecord({ ...decodeEnvelope(record.bytes), signer: backend.signer, updated: backend.certificate.notBefore - 1, created: backend.certificate.notBefore - 1 })
    await expect(validateRecord(backdated.bytes, context, undefined, { origin: 'replica' })).rejects.toThrow(ExpiredCertificateError)
  })
})
