import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { ExpiredCertificateError, InvalidCertificateError, InvalidSignatureError } from '../../src/errors.ts'
import {
  decodeRelayCertificate, encodeRelayCertificate, issueRelayCertificate, relayAgentVersion, relayCertificateFromAgent, verifyRelayCertificate
} from '../../src/trust/relay-certificate.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'

// Relay certificates arrive from any peer that connects (identify's agent
// version): the codec must turn every byte string into a certificate or
// InvalidCertificateError, and verification must hold a certificate to its
// network, its peer and its time window.
const { key: root } = await generateSigningKey()
const peer = new Uint8Array(38).fill(7)
const certificate = await issueRelayCertificate(root, { relay: peer, notBefore: 1_000, notAfter: Date.now() + 60_000 })

describe('relay certificates', () => {
  it('round-trip through bytes and the agent version, and verify for their own peer only', async () => {
    expect(decodeRelayCertificate(encodeRelayCertificate(certificate))).toEqual(certificate)
    expect(relayCertificateFromAgent(relayAgentVersion(certificate))).toEqual(certificate)
    await verifyRelayCertificate(certificate, { rootPublicKey: root.publicKey, peer })
    await expect(verifyRelayCertificate(certificate, { rootPublicKey: root.publicKey, peer: new Uint8Array(38).fill(8) })).rejects.toThrow(InvalidCertificateError)
    const { key: other } = await generateSigningKey()
    await expect(verifyRelayCertificate(certificate, { rootPublicKey: other.publicKey, peer })).rejects.toThrow(/another network/)
    await expect(verifyRelayCertificate(certificate, { rootPublicKey: root.publicKey, peer, now: certificate.notAfter + 1 })).rejects.toThrow(ExpiredCertificateError)
    await expect(verifyRelayCertificate(certificate, { rootPublicKey: root.publicKey, peer, now: 999 })).rejects.toThrow(ExpiredCertificateError)
  })

  it('any changed byte is refused: by the codec, or by the signature check', async () => {
    const bytes = encodeRelayCertificate(certificate)
    await fc.assert(fc.asyncProperty(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), async (index, flip) => {
      const changed = bytes.slice()
      changed[index] = (changed[index] as number) ^ flip
      let decoded
      try {
        decoded = decodeRelayCertificate(changed)
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidCertificateError)
        return
      }
      const check = verifyRelayCertificate(decoded, { rootPublicKey: root.publicKey, peer: decoded.relay })
      await expect(check).rejects.toThrow(/.+/)
      await check.catch(error => { expect([InvalidCertificateError, InvalidSignatureError, ExpiredCertificateError].some(type => error instanceof type)).toBe(true) })
    }), { numRuns: 300 })
  })

  it('decodes arbitrary bytes and agent versions only to a certificate or a named error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), bytes => {
      try {
        decodeRelayCertificate(bytes)
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidCertificateError)
      }
      expect(() => relayCertificateFromAgent(`slurp-relay/1 ${toBase64url(bytes)}`)).not.toThrow()
    }), { numRuns: 2000 })
    fc.assert(fc.property(fc.string(), text => { expect(() => relayCertificateFromAgent(text)).not.toThrow() }))
    expect(relayCertificateFromAgent(undefined)).toBeUndefined()
    expect(relayCertificateFromAgent('js-libp2p/3.0.0 node/20')).toBeUndefined()
  })
})
