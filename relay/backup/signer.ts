import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { fromBase64url, toBase64url } from '../../src/encoding/base64url.ts'
import { equalBytes } from '../../src/encoding/bytes.ts'
import { InvalidCertificateError, InvalidSignatureError, MemberRevokedError } from '../../src/errors.ts'
import { decodeCertificate, encodeCertificate, verifyCertificate } from '../../src/trust/certificate.ts'
import type { Policy } from '../../src/trust/policy.ts'
import { revokedAt } from '../../src/trust/policy-keys.ts'
import { decodeRelayCertificate, encodeRelayCertificate, verifyRelayCertificate } from '../../src/trust/relay-certificate.ts'
import type { RelayCertificate } from '../../src/trust/relay-certificate.ts'
import { PUBLIC_KEY_BYTES, verifySignature } from '../../src/trust/signing-key.ts'
import type { NetworkDir } from '../network-dir.ts'

/**
 * Who signs a snapshot, with the root's word for it: a member (its key and
 * membership certificate, from a network directory: `slurp backup create`)
 * or a relay (its libp2p node key and relay certificate: a relay's scheduled
 * backups, which run where no member key is kept).
 */
export interface BackupSigner {
  readonly kind: 'member' | 'relay'
  /** Ed25519 public key, 32 bytes. */
  readonly publicKey: Uint8Array
  /** The encoded membership or relay certificate. */
  readonly certificate: Uint8Array
  sign (data: Uint8Array): Promise<Uint8Array>
}

/** As a snapshot file carries it (base64url). */
export interface SignerRecord {
  readonly kind: 'member' | 'relay'
  readonly publicKey: string
  readonly certificate: string
}

export async function memberSigner (dir: NetworkDir): Promise<BackupSigner> {
  const { signer, certificate } = await dir.readMember()
  return { kind: 'member', publicKey: signer.publicKey, certificate: encodeCertificate(certificate), sign: async data => await signer.sign(data) }
}

export function relaySigner (privateKey: PrivateKey, certificate: RelayCertificate): BackupSigner {
  return {
    kind: 'relay',
    publicKey: privateKey.publicKey.raw,
    certificate: encodeRelayCertificate(certificate),
    sign: async data => await privateKey.sign(data)
  }
}

export function signerRecord (signer: BackupSigner): SignerRecord {
  return { kind: signer.kind, publicKey: toBase64url(signer.publicKey), certificate: toBase64url(signer.certificate) }
}

/**
 * Throws unless `signature` over `payload` is the signer's, and the root
 * vouched for the signer at `at` (the snapshot's time: a certificate that
 * expired since still vouches for what was signed while it held).
 */
export async function verifySigner (record: SignerRecord, payload: Uint8Array, signature: Uint8Array, check: { rootPublicKey: Uint8Array, policy: Policy, at: number }): Promise<void> {
  const publicKey = fromBase64url(record.publicKey)
  if (publicKey.length !== PUBLIC_KEY_BYTES) throw new InvalidSignatureError('the snapshot signer key is not an Ed25519 public key')
  const certificate = fromBase64url(record.certificate)
  if (record.kind === 'member') {
    const cert = decodeCertificate(certificate)
    if (!equalBytes(cert.member, publicKey)) throw new InvalidCertificateError('the snapshot signer\'s certificate names another member key')
    await verifyCertificate(cert, { rootPublicKey: check.rootPublicKey, policy: check.policy, now: check.at })
    const revoked = revokedAt(check.policy, record.publicKey)
    if (revoked !== undefined && revoked <= check.at) throw new MemberRevokedError('the snapshot was signed by a member revoked before it')
  } else if (record.kind === 'relay') {
    const cert = decodeRelayCertificate(certificate)
    const peer = peerIdFromPublicKey(publicKeyFromRaw(publicKey)).toMultihash().bytes
    await verifyRelayCertificate(cert, { rootPublicKey: check.rootPublicKey, peer, now: check.at })
  } else {
    throw new InvalidSignatureError(`unknown snapshot signer kind "${String(record.kind)}"`)
  }
  if (!await verifySignature(publicKey, signature, payload)) throw new InvalidSignatureError('the snapshot signature does not verify under its signer\'s key')
}
