import { ByteReader, CodecError } from '../codec/reader.ts'
import { ByteWriter } from '../codec/writer.ts'
import { fromBase64url, toBase64url } from '../encoding/base64url.ts'
import { equalBytes } from '../encoding/bytes.ts'
import { ExpiredCertificateError, InvalidCertificateError, InvalidSignatureError } from '../errors.ts'
import { signedPayload } from './domain.ts'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, verifySignature } from './signing-key.ts'
import type { SigningKey } from './signing-key.ts'

/**
 * A relay certificate: the network root vouches that the libp2p node with
 * this peer id is one of the network's relays. Only certified relays hold
 * records for others, acknowledge writes, confirm copies before a cleanup,
 * take part in anti-entropy and are handed to browsers as bootstrap relays:
 * anyone can speak the record protocol, but only the root makes a relay.
 *
 * Binary: u8 version=1, 32-byte root key, bytes relay peer id (its multihash),
 * u64 not-before, u64 not-after (ms), 64-byte root signature over
 * "slurp/relay-certificate/v1\n" + everything before it.
 */
export interface RelayCertificate {
  readonly network: Uint8Array
  /** The relay's peer id as multihash bytes (PeerId.toMultihash().bytes). */
  readonly relay: Uint8Array
  readonly notBefore: number
  readonly notAfter: number
  readonly signature: Uint8Array
}

const VERSION = 1
// An Ed25519 peer id's identity multihash is 38 bytes; room for other key types.
const MAX_PEER_ID_BYTES = 128
/** How relay certificates travel in identify's agent version. */
export const RELAY_AGENT_PREFIX = 'slurp-relay/1 '
/** How long `slurp relay` certifies its own node for, when it holds the root key. */
export const DEFAULT_RELAY_CERTIFICATE_DAYS = 365

export async function issueRelayCertificate (root: SigningKey, request: { relay: Uint8Array, notBefore?: number, notAfter: number }): Promise<RelayCertificate> {
  const unsigned = { network: root.publicKey, relay: request.relay, notBefore: request.notBefore ?? Date.now(), notAfter: request.notAfter }
  checkShape(unsigned)
  return { ...unsigned, signature: await root.sign(signedPayload('relay-certificate', encodeBody(unsigned))) }
}

export function encodeRelayCertificate (cert: RelayCertificate): Uint8Array {
  return new ByteWriter(192).raw(encodeBody(cert)).raw(cert.signature).finish()
}

export function decodeRelayCertificate (bytes: Uint8Array): RelayCertificate {
  try {
    const reader = new ByteReader(bytes)
    const version = reader.u8('relay certificate version')
    if (version !== VERSION) throw new CodecError(`unsupported relay certificate version ${version}`)
    const network = reader.raw(PUBLIC_KEY_BYTES, 'network key')
    const relay = reader.bytesField('relay peer id', MAX_PEER_ID_BYTES)
    const notBefore = reader.u64('notBefore')
    const notAfter = reader.u64('notAfter')
    const signature = reader.raw(SIGNATURE_BYTES, 'relay certificate signature')
    reader.end('relay certificate')
    const cert = { network, relay, notBefore, notAfter, signature }
    checkShape(cert)
    if (!equalBytes(encodeRelayCertificate(cert), bytes)) throw new CodecError('relay certificate is not canonically encoded')
    return cert
  } catch (error) {
    if (error instanceof CodecError) throw new InvalidCertificateError(`malformed relay certificate: ${error.message}`)
    throw error
  }
}

/** The certificate as identify's agent version carries it. */
export function relayAgentVersion (cert: RelayCertificate): string {
  return `${RELAY_AGENT_PREFIX}${toBase64url(encodeRelayCertificate(cert))}`
}

/** The certificate in an agent version, or undefined when it carries none (or a malformed one). */
export function relayCertificateFromAgent (agentVersion: string | undefined): RelayCertificate | undefined {
  if (agentVersion?.startsWith(RELAY_AGENT_PREFIX) !== true) return undefined
  try {
    return decodeRelayCertificate(fromBase64url(agentVersion.slice(RELAY_AGENT_PREFIX.length)))
  } catch {
    return undefined
  }
}

/**
 * Root signature, network, the peer it names (`peer`: the authenticated
 * remote peer id's multihash bytes) and its time window at `now`.
 */
export async function verifyRelayCertificate (cert: RelayCertificate, check: { rootPublicKey: Uint8Array, peer: Uint8Array, now?: number }): Promise<void> {
  if (!equalBytes(cert.network, check.rootPublicKey)) throw new InvalidCertificateError('relay certificate was issued for another network')
  if (!equalBytes(cert.relay, check.peer)) throw new InvalidCertificateError('relay certificate names another peer')
  if (!await verifySignature(check.rootPublicKey, cert.signature, signedPayload('relay-certificate', encodeBody(cert)))) {
    throw new InvalidSignatureError('relay certificate signature does not verify under the network root key')
  }
  const now = check.now ?? Date.now()
  if (now < cert.notBefore) throw new ExpiredCertificateError(`relay certificate is not valid until ${new Date(cert.notBefore).toISOString()}`)
  if (now > cert.notAfter) throw new ExpiredCertificateError(`relay certificate expired at ${new Date(cert.notAfter).toISOString()}`)
}

function encodeBody (cert: Omit<RelayCertificate, 'signature'>): Uint8Array {
  return new ByteWriter(128).u8(VERSION).raw(cert.network).bytes(cert.relay).u64(cert.notBefore).u64(cert.notAfter).finish()
}

function checkShape (cert: Omit<RelayCertificate, 'signature'>): void {
  if (cert.network.length !== PUBLIC_KEY_BYTES) throw new InvalidCertificateError('relay certificate network key must be a 32-byte Ed25519 public key')
  if (cert.relay.length === 0 || cert.relay.length > MAX_PEER_ID_BYTES) throw new InvalidCertificateError('relay certificate must name a peer id')
  if (!(cert.notBefore <= cert.notAfter)) throw new InvalidCertificateError('relay certificate notAfter precedes notBefore')
}

/**
 * For an operator who holds the root key: certifies whichever peer id the
 * relay starts with (RelayInit.certificate), for `days`.
 */
export function certifyWithRoot (root: SigningKey, options: { days?: number } = {}): (peer: { toMultihash: () => { bytes: Uint8Array } }) => Promise<RelayCertificate> {
  const days = options.days ?? DEFAULT_RELAY_CERTIFICATE_DAYS
  return async peer => await issueRelayCertificate(root, { relay: peer.toMultihash().bytes, notBefore: Date.now() - 60_000, notAfter: Date.now() + days * 86_400_000 })
}
