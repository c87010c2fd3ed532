import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ExpiredCertificateError, InvalidCertificateError, InvalidKeyError, InvalidPolicyError, InvalidSignatureError, UnknownRoleError } from '../../src/errors.ts'
import { decodeCertificate, encodeCertificate, issueCertificate, verifyCertificate } from '../../src/trust/certificate.ts'
import { DEFAULT_BYTES_PER_MINUTE, DEFAULT_WRITES_PER_MINUTE, memberQuotaOf, parsePolicy, signPolicy, verifyPolicy } from '../../src/trust/policy.ts'
import { canonicalJson } from '../../src/codec/canonical-json.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { utf8Encode } from '../../src/encoding/bytes.ts'
import { signedPayload } from '../../src/trust/domain.ts'
import { generateSigningKey, seedFromPem, seedToPem, signingKeyFromSeed, verifySignature } from '../../src/trust/signing-key.ts'
import { createTestNetwork } from '../helpers/network.ts'

const network = await createTestNetwork()

describe('signing keys', () => {
  it('seeds survive PEM and sign verifiably', async () => {
    const { key, seed } = await generateSigningKey()
    const pem = seedToPem(seed)
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
    const restored = await signingKeyFromSeed(seedFromPem(pem))
    expect(restored.publicKey).toEqual(key.publicKey)
    const data = new TextEncoder().encode('hello')
    expect(await verifySignature(key.publicKey, await restored.sign(data), data)).toBe(true)
    expect(await verifySignature(key.publicKey, await restored.sign(data), new TextEncoder().encode('hellO'))).toBe(false)
  })

  it('bad PEM and bad keys are named errors; bad signatures are just false', async () => {
    expect(() => seedFromPem('nope')).toThrow(InvalidKeyError)
    expect(() => seedFromPem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')).toThrow(InvalidKeyError)
    await expect(signingKeyFromSeed(new Uint8Array(5))).rejects.toThrow(InvalidKeyError)
    expect(await verifySignature(new Uint8Array(31), new Uint8Array(64), new Uint8Array())).toBe(false)
  })
})

describe('policy', () => {
  it('verifies under its root and carries every role with a recipient', async () => {
    const policy = await verifyPolicy(network.signed, network.root.publicKey)
    expect(policy.version).toBe(1)
    expect(Object.keys(policy.roles)).toContain('senior_architect')
    expect(policy.roles.observer?.authority).toBe('read_only')
  })

  it('rejects another root, a changed field, a bad signature', async () => {
    const other = await generateSigningKey()
    await expect(verifyPolicy(network.signed, other.key.publicKey)).rejects.toThrow(InvalidSignatureError)
    const promoted = structuredClone(network.signed) as { policy: { roles: Record<string, { authority: string }> }, signature: string }
    ;(promoted.policy.roles.observer as { authority: string }).authority = 'master'
    await expect(verifyPolicy(promoted, network.root.publicKey)).rejects.toThrow(InvalidSignatureError)
    await expect(verifyPolicy({ ...network.signed, signature: 'AAAA' }, network.root.publicKey)).rejects.toThrow(InvalidSignatureError)
  })

  it('structural errors are InvalidPolicyError, naming the field', () => {
    const base = network.signed.policy
    const cases: Array<[unknown, RegExp]> = [
      [null, /object/],
      [{ ...base, format: 'x' }, /format/],
      [{ ...base, version: 0 }, /version/],
      [{ ...base, roles: {} }, /no roles/],
      [{ ...base, roles: { ...base.roles, admin: { ...base.roles.admin, authority: 'king' } } }, /authority/],
      [{ ...base, roles: { ...base.roles, admin: { ...base.roles.admin, canDecrypt: ['ghost'] } } }, /canDecrypt/],
      [{ ...base, roles: { ...base.roles, admin: { ...base.roles.admin, recipient: 'age1xyz' } } }, /recipient/],
      [{ ...base, writeRules: { ...base.writeRules, read_only: ['context'] } }, /read_only/],
      [{ ...base, limits: { maxRecordBytes: 10 } }, /maxRecordBytes/]
    ]
    for (const [value, message] of cases) expect(() => parsePolicy(value)).toThrow(message)
    fc.assert(fc.property(fc.anything(), value => {
      try { parsePolicy(value) } catch (error) { return error instanceof InvalidPolicyError }
      return false
    }))
  })
})

// Issue 10 finding 9: per-member quotas are optional policy fields, and a
// policy signed before they existed still verifies (with the defaults).
describe('policy quotas', () => {
  it('an older policy without them verifies as signed and gets the defaults', async () => {
    const old = { ...network.policy, limits: { maxRecordBytes: network.policy.limits.maxRecordBytes } }
    // Signed exactly as the code before the quotas signed: canonical JSON of the document.
    const signature = toBase64url(await network.root.sign(signedPayload('policy', utf8Encode(canonicalJson(old)))))
    const verified = await verifyPolicy({ policy: old, signature }, network.root.publicKey)
    expect(verified.limits).toEqual({ maxRecordBytes: old.limits.maxRecordBytes })
    expect(memberQuotaOf(verified)).toEqual({ writesPerMinute: DEFAULT_WRITES_PER_MINUTE, bytesPerMinute: DEFAULT_BYTES_PER_MINUTE })
  })

  it('are signed when set, and changing them breaks the signature', async () => {
    const roles = Object.values(network.policy.roles)
    const signed = await signPolicy(network.root, { roles, writesPerMinute: 30, bytesPerMinute: 4 * 1024 * 1024 })
    const verified = await verifyPolicy(JSON.parse(JSON.stringify(signed)), network.root.publicKey)
    expect(memberQuotaOf(verified)).toEqual({ writesPerMinute: 30, bytesPerMinute: 4 * 1024 * 1024 })
    const raised = { ...signed, policy: { ...signed.policy, limits: { ...signed.policy.limits, writesPerMinute: 3000 } } }
    await expect(verifyPolicy(raised, network.root.publicKey)).rejects.toThrow(InvalidSignatureError)
    const dropped = { ...signed, policy: { ...signed.policy, limits: { maxRecordBytes: signed.policy.limits.maxRecordBytes } } }
    await expect(verifyPolicy(dropped, network.root.publicKey)).rejects.toThrow(InvalidSignatureError)
  })

  it('must be positive integers, and a byte quota must hold one record', () => {
    const limits = network.policy.limits
    for (const bad of [{ writesPerMinute: 0 }, { writesPerMinute: 1.5 }, { writesPerMinute: '10' }, { bytesPerMinute: limits.maxRecordBytes - 1 }]) {
      expect(() => parsePolicy({ ...network.policy, limits: { ...limits, ...bad } })).toThrow(InvalidPolicyError)
    }
  })
})

describe('membership certificates', () => {
  const now = Date.now()
  const check = { rootPublicKey: network.root.publicKey, policy: network.policy, now }

  it('issue, encode, decode and verify', async () => {
    const member = await generateSigningKey()
    const cert = await issueCertificate(network.root, { member: member.key.publicKey, roles: ['qa_engineer', 'backend_developer'], notBefore: now - 1000, notAfter: now + 1000 })
    expect(cert.roles).toEqual(['backend_developer', 'qa_engineer'])
    const decoded = decodeCertificate(encodeCertificate(cert))
    await expect(verifyCertificate(decoded, check)).resolves.toBeUndefined()
    await expect(verifyCertificate(decoded, { ...check, now: now + 2000 })).rejects.toThrow(ExpiredCertificateError)
  })

  it('rejects tampering, other roots and unknown roles', async () => {
    const member = await generateSigningKey()
    const cert = await issueCertificate(network.root, { member: member.key.publicKey, roles: ['qa_engineer'], notBefore: now - 1000, notAfter: now + 1000 })
    await expect(verifyCertificate({ ...cert, roles: ['admin'] }, check)).rejects.toThrow(InvalidSignatureError)
    const other = await createTestNetwork()
    await expect(verifyCertificate(cert, { ...check, rootPublicKey: other.root.publicKey })).rejects.toThrow(InvalidCertificateError)
    const ghost = await issueCertificate(network.root, { member: member.key.publicKey, roles: ['ghost'], notBefore: now - 1000, notAfter: now + 1000 })
    await expect(verifyCertificate(ghost, check)).rejects.toThrow(UnknownRoleError)
  })

  it('decoding arbitrary bytes throws only InvalidCertificateError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), bytes => {
      try { decodeCertificate(bytes) } catch (error) { return error instanceof InvalidCertificateError }
      return false
    }), { numRuns: 2000 })
  })
})
