import type { Libp2p, PeerId } from '@libp2p/interface'
import { ByteReader, CodecError } from '../../src/codec/reader.ts'
import { ByteWriter } from '../../src/codec/writer.ts'
import { utf8Encode } from '../../src/encoding/bytes.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { AccessDeniedError, NetworkError, SlurpError } from '../../src/errors.ts'
import type { HeldVersions, RecordKeeper } from '../../src/keeper/record-keeper.ts'
import { sendRequest, serveRequests } from '../../src/net/request-response.ts'
import { decodeCertificate, encodeCertificate, verifyCertificate } from '../../src/trust/certificate.ts'
import type { MembershipCertificate } from '../../src/trust/certificate.ts'
import { signedPayload } from '../../src/trust/domain.ts'
import type { Policy } from '../../src/trust/policy.ts'
import { revokedAt } from '../../src/trust/policy-keys.ts'
import { SIGNATURE_BYTES, verifySignature } from '../../src/trust/signing-key.ts'
import type { SigningKey } from '../../src/trust/signing-key.ts'

/**
 * '/slurp/backup/1.0.0': a member backing up the mesh reads everything a
 * relay holds, one page per request, from one store iterator per session
 * (one consistent view, as a relay's own scheduled backup gets).
 *
 * Sync already hands every envelope to certified relays; this hands it to
 * members whose certificate grants a master-authority role (admin) or the
 * "backup" role, with a proof signed by that member key binding the asking
 * libp2p peer, this relay and an expiry, so a proof seen once cannot be
 * used from another peer or against another relay. Records stay encrypted:
 * what a reader learns is what any relay holds (keys, clocks, authors, sizes).
 *
 * Request: u8 version, bytes certificate, u64 expiresAt, 64-byte signature, string session ('' starts one).
 * Answer:  u8 version, u8 status (0 page, 1 refused: string code, string message),
 *          string session, u8 done, varint total keys, varint count,
 *          count × (string key, u8 superseded, varint n, n × bytes record).
 */
export const BACKUP_PROTOCOL = '/slurp/backup/1.0.0'
/** The role besides master-authority ones that may read a relay's holdings (when a policy defines it). */
export const BACKUP_ROLE = 'backup'
const VERSION = 1
/** A page stops growing past this (but always holds one key's set: at most a sibling set's bound). */
export const PAGE_BYTES = 2 * 1024 * 1024
/** Proofs live this long at most, so one seen in a log is soon worthless. */
export const MAX_PROOF_MS = 60 * 60 * 1000
const SESSION_IDLE_MS = 60_000
const MAX_SESSIONS = 4
const MAX_RECORDS_PER_SET = 256

export interface BackupAccess {
  readonly keeper: Pick<RecordKeeper, 'holdings' | 'count'>
  readonly rootPublicKey: Uint8Array
  /** Read per request: a newer policy (a revocation) applies at once. */
  policy (): Policy
}

interface ReadRequest {
  certificate: Uint8Array
  expiresAt: number
  signature: Uint8Array
  session: string
}

interface Page {
  session: string
  done: boolean
  total: number
  items: HeldVersions[]
}

/** Whether a role may read every record a relay holds: master authority, or the backup role. */
export function mayBackUp (policy: Policy, role: string): boolean {
  return role === BACKUP_ROLE || policy.roles[role]?.authority === 'master'
}

function proofPayload (requester: PeerId, relay: PeerId, expiresAt: number): Uint8Array {
  return signedPayload('backup', new ByteWriter(128).raw(utf8Encode('read\n')).bytes(requester.toMultihash().bytes).bytes(relay.toMultihash().bytes).u64(expiresAt).finish())
}

interface Session {
  readonly owner: string
  readonly iterator: AsyncIterator<HeldVersions>
  pending: HeldVersions | undefined
  timer: ReturnType<typeof setTimeout> | undefined
  busy: boolean
}

export async function serveBackupReads (node: Libp2p, access: BackupAccess): Promise<void> {
  const sessions = new Map<string, Session>()
  const close = (id: string): void => {
    const session = sessions.get(id)
    if (session === undefined) return
    sessions.delete(id)
    clearTimeout(session.timer)
    session.iterator.return?.().catch(() => {})
  }
  await serveRequests(node, BACKUP_PROTOCOL, async (bytes, signal, from) => {
    try {
      const request = decodeRequest(bytes)
      await authorize(request, from, node.peerId, access)
      let id = request.session
      if (id === '') {
        // A session holds a store iterator (and its snapshot) until done or idle: a few at once.
        if (sessions.size >= MAX_SESSIONS) throw new AccessDeniedError(`this relay is serving ${MAX_SESSIONS} backups already; try again later`)
        id = toBase64url(crypto.getRandomValues(new Uint8Array(16)))
        sessions.set(id, { owner: from.toString(), iterator: access.keeper.holdings()[Symbol.asyncIterator](), pending: undefined, timer: undefined, busy: false })
      }
      const session = sessions.get(id)
      if (session === undefined || session.owner !== from.toString()) throw new AccessDeniedError('no such backup session (it may have been idle too long): start again')
      if (session.busy) throw new AccessDeniedError('one page at a time per backup session')
      session.busy = true
      clearTimeout(session.timer)
      try {
        const page = await nextPage(session, signal)
        if (page.done) close(id)
        else session.timer = unref(setTimeout(() => { close(id) }, SESSION_IDLE_MS))
        return encodePage({ session: id, done: page.done, total: request.session === '' ? await access.keeper.count({ signal }) : 0, items: page.items })
      } finally {
        session.busy = false
      }
    } catch (error) {
      if (!(error instanceof SlurpError)) throw error
      return new ByteWriter(256).u8(VERSION).u8(1).string(error.code).string(error.message.slice(0, 500)).finish()
    }
  })
}

async function nextPage (session: Session, signal: AbortSignal): Promise<{ items: HeldVersions[], done: boolean }> {
  const items: HeldVersions[] = []
  let bytes = 0
  for (;;) {
    signal.throwIfAborted()
    let item = session.pending
    session.pending = undefined
    if (item === undefined) {
      const next = await session.iterator.next()
      if (next.done === true) return { items, done: true }
      item = next.value
    }
    const size = item.records.reduce((sum, record) => sum + record.length + 8, item.key.length + 8)
    if (items.length > 0 && bytes + size > PAGE_BYTES) {
      session.pending = item
      return { items, done: false }
    }
    items.push(item)
    bytes += size
  }
}

async function authorize (request: ReadRequest, from: PeerId, self: PeerId, access: BackupAccess): Promise<void> {
  const now = Date.now()
  if (request.expiresAt < now) throw new AccessDeniedError('the backup proof has expired')
  if (request.expiresAt > now + MAX_PROOF_MS + 60_000) throw new AccessDeniedError('the backup proof is valid for too long (at most an hour)')
  const policy = access.policy()
  const certificate = decodeCertificate(request.certificate)
  await verifyCertificate(certificate, { rootPublicKey: access.rootPublicKey, policy, now })
  const revoked = revokedAt(policy, toBase64url(certificate.member))
  if (revoked !== undefined && revoked <= now) throw new AccessDeniedError('the member asking for a backup is revoked')
  if (!certificate.roles.some(role => mayBackUp(policy, role))) {
    throw new AccessDeniedError(`reading what a relay holds takes a role of master authority or the "${BACKUP_ROLE}" role; the asking member holds ${certificate.roles.join(', ')}`)
  }
  if (!await verifySignature(certificate.member, request.signature, proofPayload(from, self, request.expiresAt))) {
    throw new AccessDeniedError('the backup proof is not signed by the certificate\'s member for this peer and relay')
  }
}

export interface ReadHoldingsOptions {
  signal?: AbortSignal
  /** Told how many keys the relay holds, once its first page arrives. */
  onTotal?: (keys: number) => void
  /** Per request. Default 30 s. */
  timeoutMs?: number
}

/** Everything `relay` holds, page by page, as its keeper's holdings() reads it there. */
export async function * readRelayHoldings (node: Libp2p, relay: PeerId, member: { signer: SigningKey, certificate: MembershipCertificate }, options: ReadHoldingsOptions = {}): AsyncIterable<HeldVersions> {
  let session = ''
  let proof: { expiresAt: number, signature: Uint8Array } | undefined
  for (;;) {
    // A long backup outlives a proof: sign a fresh one when this one nears its end.
    if (proof === undefined || proof.expiresAt - Date.now() < MAX_PROOF_MS / 2) {
      const expiresAt = Date.now() + MAX_PROOF_MS
      proof = { expiresAt, signature: await member.signer.sign(proofPayload(node.peerId, relay, expiresAt)) }
    }
    const request = encodeRequest({ certificate: encodeCertificate(member.certificate), expiresAt: proof.expiresAt, signature: proof.signature, session })
    const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? 30_000), ...(options.signal === undefined ? [] : [options.signal])])
    const page = decodeAnswer(await sendRequest(node, relay, BACKUP_PROTOCOL, request, { signal }), relay)
    if (session === '') options.onTotal?.(page.total)
    session = page.session
    yield * page.items
    if (page.done) return
  }
}

function encodeRequest (request: ReadRequest): Uint8Array {
  return new ByteWriter(512).u8(VERSION).bytes(request.certificate).u64(request.expiresAt).raw(request.signature).string(request.session).finish()
}

function decodeRequest (bytes: Uint8Array): ReadRequest {
  return decoding('backup request', () => {
    const reader = new ByteReader(bytes)
    if (reader.u8('version') !== VERSION) throw new CodecError('unsupported backup protocol version')
    const request = {
      certificate: reader.bytesField('certificate', 4096),
      expiresAt: reader.u64('expiresAt'),
      signature: reader.raw(SIGNATURE_BYTES, 'signature'),
      session: reader.string('session', 64)
    }
    reader.end('backup request')
    return request
  })
}

function encodePage (page: Page): Uint8Array {
  const writer = new ByteWriter(64 * 1024).u8(VERSION).u8(0).string(page.session).u8(page.done ? 1 : 0).varint(page.total).varint(page.items.length)
  for (const item of page.items) {
    writer.string(item.key).u8(item.superseded ? 1 : 0).varint(item.records.length)
    for (const record of item.records) writer.bytes(record)
  }
  return writer.finish()
}

function decodeAnswer (bytes: Uint8Array, relay: PeerId): Page {
  return decoding('backup answer', () => {
    const reader = new ByteReader(bytes)
    if (reader.u8('version') !== VERSION) throw new CodecError('unsupported backup protocol version')
    if (reader.u8('status') === 1) {
      const code = reader.string('code', 64)
      const message = reader.string('message', 2048)
      if (code === 'ERR_ACCESS_DENIED') throw new AccessDeniedError(`relay ${relay.toString()} refused: ${message}`)
      throw new NetworkError(`relay ${relay.toString()} refused the backup (${code}): ${message}`)
    }
    const session = reader.string('session', 64)
    const done = reader.u8('done') === 1
    const total = reader.varint('total')
    const count = reader.varint('count')
    const items: HeldVersions[] = []
    for (let i = 0; i < count; i++) {
      const key = reader.string('key', 256)
      const superseded = reader.u8('superseded') === 1
      const n = reader.varint('record count', MAX_RECORDS_PER_SET)
      const records: Uint8Array[] = []
      for (let j = 0; j < n; j++) records.push(reader.bytesField('record'))
      items.push({ key, superseded, records })
    }
    reader.end('backup answer')
    return { session, done, total, items }
  })
}

function decoding<T> (what: string, work: () => T): T {
  try {
    return work()
  } catch (error) {
    if (error instanceof CodecError) throw new NetworkError(`malformed ${what}: ${error.message}`)
    throw error
  }
}

function unref<T> (timer: T): T {
  (timer as { unref?: () => void }).unref?.()
  return timer
}
