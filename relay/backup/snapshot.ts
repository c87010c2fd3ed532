import { canonicalJson } from '../../src/codec/canonical-json.ts'
import type { RoleKeyring } from '../../src/crypto/keyring.ts'
import { decryptWithKeyring, encryptToRecipients } from '../../src/crypto/role-crypto.ts'
import { fromBase64url, toBase64url } from '../../src/encoding/base64url.ts'
import { utf8Decode, utf8Encode } from '../../src/encoding/bytes.ts'
import { InvalidBackupError } from '../../src/errors.ts'
import { signedPayload } from '../../src/trust/domain.ts'
import type { Policy } from '../../src/trust/policy.ts'
import { isBlobHash } from './blob-store.ts'
import { signerRecord, verifySigner } from './signer.ts'
import type { BackupSigner, SignerRecord } from './signer.ts'

/**
 * A snapshot is one JSON file, snapshots/<id>.json: a signed header in the
 * clear (time, counts, every blob it references, who signed it) around the
 * manifest, age-encrypted to the backup role. The header is what `list`,
 * `forget` and the blob checks of `verify` need, so an unattended relay can
 * prune without holding any role key; it reveals nothing the blobs do not
 * (their names are their hashes, and each record's header is in the clear,
 * as every relay holds it). Which key holds which versions, the policy and
 * the sources are in the manifest.
 */
export const SNAPSHOT_FORMAT = 'slurp-backup-snapshot/1'
export const MANIFEST_FORMAT = 'slurp-backup-manifest/1'

/** Where a snapshot's records came from: a relay store (stopped, or read in-process by a running relay) or a relay asked through the mesh. */
export interface SnapshotSource {
  readonly peerId: string
  readonly kind: 'store' | 'mesh'
  /** Keys it held. */
  readonly keys: number
}

/** One DHT key: its held versions (siblings) and superseded versions (history), as blob hashes. */
export interface ManifestRecord {
  readonly key: string
  readonly versions: readonly string[]
  readonly history: readonly string[]
}

export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT
  readonly id: string
  readonly createdAt: string
  readonly network: string
  readonly policyVersion: number
  /** The blob holding the root-signed policy (JSON) the records were judged by. */
  readonly policy: string
  readonly sources: readonly SnapshotSource[]
  readonly records: readonly ManifestRecord[]
}

export interface SnapshotStats {
  /** DHT keys. */
  readonly keys: number
  /** Record versions referenced, held and superseded. */
  readonly versions: number
  /** Distinct blobs referenced (the policy's included) and their bytes. */
  readonly blobs: number
  readonly bytes: number
  /** Blobs this snapshot wrote (the rest were in the folder already) and their bytes. */
  readonly newBlobs: number
  readonly newBytes: number
}

export interface SnapshotHeader {
  readonly format: typeof SNAPSHOT_FORMAT
  readonly id: string
  /** Milliseconds since the epoch (UTC): what retention buckets by. */
  readonly time: number
  readonly createdAt: string
  readonly network: string
  readonly policyVersion: number
  /** The blob holding the root-signed policy: what a keyless verify judges records and the signer by. */
  readonly policy: string
  readonly stats: SnapshotStats
  /** Every blob the snapshot references, sorted. */
  readonly blobs: readonly string[]
  readonly encryptedTo: { readonly role: string, readonly recipient: string }
  /** The manifest: a binary age file, base64url. */
  readonly manifest: string
  readonly signer: SignerRecord
}

export interface SnapshotFile extends SnapshotHeader {
  readonly signature: string
}

/** Sortable by time, unique: 20261203T020000Z-1a2b3c4d. */
export function snapshotId (time: number): string {
  const stamp = new Date(time).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')
  const random = Array.from(crypto.getRandomValues(new Uint8Array(4)), byte => byte.toString(16).padStart(2, '0')).join('')
  return `${stamp}-${random}`
}

export const SNAPSHOT_ID = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/

function payloadOf (header: SnapshotHeader): Uint8Array {
  return signedPayload('backup', utf8Encode(`snapshot\n${canonicalJson(header)}`))
}

export async function sealSnapshot (input: {
  header: Omit<SnapshotHeader, 'format' | 'manifest' | 'signer' | 'encryptedTo'>
  manifest: Manifest
  encryptTo: { role: string, recipient: string }
  signer: BackupSigner
}): Promise<SnapshotFile> {
  const ciphertext = await encryptToRecipients([input.encryptTo.recipient], utf8Encode(JSON.stringify(input.manifest)))
  const header: SnapshotHeader = {
    format: SNAPSHOT_FORMAT,
    ...input.header,
    encryptedTo: { role: input.encryptTo.role, recipient: input.encryptTo.recipient },
    manifest: toBase64url(ciphertext),
    signer: signerRecord(input.signer)
  }
  return { ...header, signature: toBase64url(await input.signer.sign(payloadOf(header))) }
}

/** Throws unless the header is signed by a member or relay the root vouched for at the snapshot's time. */
export async function verifySnapshotSignature (file: SnapshotFile, check: { rootPublicKey: Uint8Array, policy: Policy }): Promise<void> {
  const { signature, ...header } = file
  await verifySigner(file.signer, payloadOf(header), fromBase64url(signature), { ...check, at: file.time })
}

/** The manifest, decrypted with whichever key in `keyring` opens it, checked against its header. */
export async function openManifest (file: SnapshotFile, keyring: RoleKeyring): Promise<Manifest> {
  const { plaintext } = await decryptWithKeyring(keyring, fromBase64url(file.manifest))
  let manifest: Manifest
  try {
    manifest = parseManifest(JSON.parse(utf8Decode(plaintext)))
  } catch (cause) {
    if (cause instanceof InvalidBackupError) throw cause
    throw new InvalidBackupError(`snapshot ${file.id}: its manifest is not JSON`, { cause })
  }
  if (manifest.id !== file.id || manifest.network !== file.network || manifest.policyVersion !== file.policyVersion || manifest.policy !== file.policy) {
    throw new InvalidBackupError(`snapshot ${file.id}: its manifest belongs to another snapshot`)
  }
  return manifest
}

/** Every blob hash a manifest references, its policy's included. */
export function manifestBlobs (manifest: Manifest): Set<string> {
  const blobs = new Set<string>([manifest.policy])
  for (const record of manifest.records) {
    for (const hash of record.versions) blobs.add(hash)
    for (const hash of record.history) blobs.add(hash)
  }
  return blobs
}

export function parseSnapshotFile (text: string, where: string): SnapshotFile {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new InvalidBackupError(`${where} is not JSON`, { cause })
  }
  const bad = (what: string): never => { throw new InvalidBackupError(`${where} is not a ${SNAPSHOT_FORMAT} file: ${what}`) }
  if (!isObject(value) || value.format !== SNAPSHOT_FORMAT) return bad('wrong format')
  if (typeof value.id !== 'string' || !SNAPSHOT_ID.test(value.id)) return bad('bad id')
  if (!Number.isSafeInteger(value.time) || typeof value.createdAt !== 'string') return bad('bad time')
  if (typeof value.network !== 'string' || !Number.isSafeInteger(value.policyVersion)) return bad('bad network or policy version')
  if (typeof value.policy !== 'string' || !isBlobHash(value.policy)) return bad('bad policy blob')
  const stats = value.stats
  if (!isObject(stats) || !['keys', 'versions', 'blobs', 'bytes', 'newBlobs', 'newBytes'].every(name => Number.isSafeInteger(stats[name]))) return bad('bad stats')
  if (!Array.isArray(value.blobs) || !value.blobs.every(hash => typeof hash === 'string' && isBlobHash(hash))) return bad('bad blob list')
  const to = value.encryptedTo
  if (!isObject(to) || typeof to.role !== 'string' || typeof to.recipient !== 'string') return bad('bad encryptedTo')
  if (typeof value.manifest !== 'string' || typeof value.signature !== 'string') return bad('no manifest or signature')
  const signer = value.signer
  if (!isObject(signer) || (signer.kind !== 'member' && signer.kind !== 'relay') || typeof signer.publicKey !== 'string' || typeof signer.certificate !== 'string') return bad('bad signer')
  return value as unknown as SnapshotFile
}

function parseManifest (value: unknown): Manifest {
  const bad = (what: string): never => { throw new InvalidBackupError(`not a ${MANIFEST_FORMAT} manifest: ${what}`) }
  if (!isObject(value) || value.format !== MANIFEST_FORMAT) return bad('wrong format')
  if (typeof value.id !== 'string' || typeof value.network !== 'string' || !Number.isSafeInteger(value.policyVersion)) return bad('bad id, network or policy version')
  if (typeof value.policy !== 'string' || !isBlobHash(value.policy)) return bad('bad policy blob')
  if (!Array.isArray(value.sources) || !Array.isArray(value.records)) return bad('no sources or records')
  for (const record of value.records as unknown[]) {
    if (!isObject(record) || typeof record.key !== 'string' || !isHashList(record.versions) || !isHashList(record.history)) return bad('bad record entry')
  }
  return value as unknown as Manifest
}

function isHashList (value: unknown): value is string[] {
  return Array.isArray(value) && value.every(hash => typeof hash === 'string' && isBlobHash(hash))
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
