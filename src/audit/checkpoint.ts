import { ByteWriter } from '../codec/writer.ts'
import { fromBase64url, toBase64url } from '../encoding/base64url.ts'
import { AuditVerificationError, SlurpError } from '../errors.ts'
import { signedPayload } from '../trust/domain.ts'
import { SIGNATURE_BYTES, verifySignature } from '../trust/signing-key.ts'
import { HASH_BYTES } from './merkle.ts'
import { publicKeyOfPeer } from './peer-key.ts'

/**
 * A relay's signed statement "my log has `size` entries and this root hash",
 * made with its libp2p key (its peer id names the key). Witnesses keep the
 * latest one of each relay and countersign a newer one only once it is proven
 * to extend the one they hold.
 *
 * Signed bytes: "slurp/audit-checkpoint/v1\n" + body, body =
 *   u8 version=1, string log (the relay's peer id), u64 size, 32 root, u64 time (ms)
 * A cosignature signs "slurp/audit-cosignature/v1\n" + body + u64 witness time.
 */
export interface Checkpoint {
  /** The relay whose log this is: its peer id. */
  readonly log: string
  readonly size: number
  readonly root: Uint8Array
  /** When the relay signed it (ms since the epoch). */
  readonly time: number
}

export interface SignedCheckpoint extends Checkpoint {
  readonly signature: Uint8Array
}

/** A witness's countersignature: it verified the checkpoint extends every one it saw before. */
export interface Cosignature {
  /** The witness relay's peer id. */
  readonly witness: string
  readonly time: number
  readonly signature: Uint8Array
}

/** A checkpoint with the cosignatures of the witnesses that verified it. */
export interface WitnessedCheckpoint {
  readonly checkpoint: SignedCheckpoint
  readonly cosignatures: readonly Cosignature[]
}

/** Signs with a libp2p node key (or any Ed25519 key) whose peer id is `id`. */
export interface CheckpointSigner {
  readonly id: string
  sign (data: Uint8Array): Promise<Uint8Array> | Uint8Array
}

const VERSION = 1
/** Cosignatures kept or read per checkpoint at most. */
export const MAX_COSIGNATURES = 64

function body (checkpoint: Checkpoint): Uint8Array {
  return new ByteWriter(128).u8(VERSION).string(checkpoint.log).u64(checkpoint.size).raw(checkpoint.root).u64(checkpoint.time).finish()
}

function cosignedBody (checkpoint: Checkpoint, time: number): Uint8Array {
  return new ByteWriter(136).raw(body(checkpoint)).u64(time).finish()
}

export async function signCheckpoint (signer: CheckpointSigner, checkpoint: Omit<Checkpoint, 'log'>): Promise<SignedCheckpoint> {
  const unsigned = { log: signer.id, size: checkpoint.size, root: checkpoint.root, time: checkpoint.time }
  checkShape(unsigned)
  // A plain Uint8Array: libp2p's keys sign into a Node Buffer, which compares and serialises differently.
  return { ...unsigned, signature: Uint8Array.from(await signer.sign(signedPayload('audit-checkpoint', body(unsigned)))) }
}

/** Throws AuditVerificationError unless the relay the checkpoint names signed it. */
export async function verifyCheckpoint (checkpoint: SignedCheckpoint): Promise<void> {
  checkShape(checkpoint)
  const key = keyOf(checkpoint.log, 'log')
  if (!await verifySignature(key, checkpoint.signature, signedPayload('audit-checkpoint', body(checkpoint)))) {
    throw new AuditVerificationError(`the checkpoint of ${checkpoint.log} at size ${checkpoint.size} does not carry its signature`)
  }
}

export async function cosignCheckpoint (witness: CheckpointSigner, checkpoint: Checkpoint, time: number): Promise<Cosignature> {
  return { witness: witness.id, time, signature: Uint8Array.from(await witness.sign(signedPayload('audit-cosignature', cosignedBody(checkpoint, time)))) }
}

export async function verifyCosignature (checkpoint: Checkpoint, cosignature: Cosignature): Promise<boolean> {
  let key: Uint8Array
  try {
    key = keyOf(cosignature.witness, 'witness')
  } catch {
    return false
  }
  if (!Number.isSafeInteger(cosignature.time) || cosignature.time < 0) return false
  return await verifySignature(key, cosignature.signature, signedPayload('audit-cosignature', cosignedBody(checkpoint, cosignature.time)))
}

export function sameCheckpoint (a: Checkpoint, b: Checkpoint): boolean {
  return a.log === b.log && a.size === b.size && a.time === b.time && toBase64url(a.root) === toBase64url(b.root)
}

// JSON, as the HTTP API and the witness protocol carry them: bytes as base64url.

export interface CheckpointJson {
  readonly log: string
  readonly size: number
  readonly root: string
  readonly time: number
  readonly signature: string
}

export interface CosignatureJson {
  readonly witness: string
  readonly time: number
  readonly signature: string
}

/** A checkpoint and its cosignatures as the HTTP API and the CLI exchange them. */
export interface WitnessedCheckpointJson {
  readonly checkpoint: CheckpointJson
  readonly cosignatures: readonly CosignatureJson[]
}

export function checkpointToJson (checkpoint: SignedCheckpoint): CheckpointJson {
  return { log: checkpoint.log, size: checkpoint.size, root: toBase64url(checkpoint.root), time: checkpoint.time, signature: toBase64url(checkpoint.signature) }
}

/** Shape only (AuditVerificationError when malformed); verifyCheckpoint checks the signature. */
export function checkpointFromJson (value: unknown): SignedCheckpoint {
  const object = asObject(value, 'checkpoint')
  const checkpoint = {
    log: asString(object.log, 'checkpoint log'),
    size: object.size as number,
    root: asBytes(object.root, 'checkpoint root'),
    time: object.time as number,
    signature: asBytes(object.signature, 'checkpoint signature')
  }
  checkShape(checkpoint)
  return checkpoint
}

export function cosignatureToJson (cosignature: Cosignature): CosignatureJson {
  return { witness: cosignature.witness, time: cosignature.time, signature: toBase64url(cosignature.signature) }
}

export function cosignatureFromJson (value: unknown): Cosignature {
  const object = asObject(value, 'cosignature')
  const time = object.time
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) throw new AuditVerificationError('malformed cosignature: time')
  const signature = asBytes(object.signature, 'cosignature signature')
  if (signature.length !== SIGNATURE_BYTES) throw new AuditVerificationError('malformed cosignature: signature length')
  return { witness: asString(object.witness, 'cosignature witness'), time, signature }
}

/** Proof hashes as JSON carries them. */
export function hashesFromJson (value: unknown, what: string, max = 128): Uint8Array[] {
  if (!Array.isArray(value) || value.length > max) throw new AuditVerificationError(`malformed ${what}: not a list of at most ${max} hashes`)
  return value.map(item => {
    const hash = asBytes(item, what)
    if (hash.length !== HASH_BYTES) throw new AuditVerificationError(`malformed ${what}: a hash is ${HASH_BYTES} bytes`)
    return hash
  })
}

function keyOf (peerId: string, what: string): Uint8Array {
  try {
    return publicKeyOfPeer(peerId)
  } catch (error) {
    if (error instanceof SlurpError) throw new AuditVerificationError(`the checkpoint's ${what} is not an Ed25519 peer id`, { cause: error })
    throw error
  }
}

function checkShape (checkpoint: Checkpoint & { signature?: Uint8Array }): void {
  const fail = (why: string): never => { throw new AuditVerificationError(`malformed checkpoint: ${why}`) }
  if (typeof checkpoint.log !== 'string' || checkpoint.log.length === 0 || checkpoint.log.length > 128) fail('log must be a peer id')
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 0) fail('size must be a non-negative integer')
  if (!(checkpoint.root instanceof Uint8Array) || checkpoint.root.length !== HASH_BYTES) fail(`root must be ${HASH_BYTES} bytes`)
  if (!Number.isSafeInteger(checkpoint.time) || checkpoint.time < 0) fail('time must be a non-negative integer (ms)')
  if (checkpoint.signature !== undefined && checkpoint.signature.length !== SIGNATURE_BYTES) fail(`signature must be ${SIGNATURE_BYTES} bytes`)
}

function asObject (value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AuditVerificationError(`malformed ${what}: not an object`)
  return value as Record<string, unknown>
}

function asString (value: unknown, what: string): string {
  if (typeof value !== 'string') throw new AuditVerificationError(`malformed ${what}: not a string`)
  return value
}

function asBytes (value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string') throw new AuditVerificationError(`malformed ${what}: not base64url`)
  try {
    return fromBase64url(value)
  } catch {
    throw new AuditVerificationError(`malformed ${what}: not base64url`)
  }
}

/** The JSON the HTTP API and the CLI exchange for a checkpoint and its cosignatures. */
export function witnessedToJson (witnessed: WitnessedCheckpoint): WitnessedCheckpointJson {
  return { checkpoint: checkpointToJson(witnessed.checkpoint), cosignatures: witnessed.cosignatures.map(cosignatureToJson) }
}

/**
 * Parses and verifies a checkpoint with its cosignatures: the relay's
 * signature must hold (AuditVerificationError otherwise); cosignatures that
 * do not verify are dropped, so what is returned is what was proven.
 */
export async function verifyWitnessed (value: unknown): Promise<WitnessedCheckpoint> {
  const object = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  const checkpoint = checkpointFromJson(object.checkpoint)
  await verifyCheckpoint(checkpoint)
  const cosignatures: Cosignature[] = []
  for (const item of Array.isArray(object.cosignatures) ? object.cosignatures.slice(0, MAX_COSIGNATURES) : []) {
    try {
      const cosignature = cosignatureFromJson(item)
      if (await verifyCosignature(checkpoint, cosignature)) cosignatures.push(cosignature)
    } catch (error) {
      if (!(error instanceof SlurpError)) throw error
    }
  }
  return { checkpoint, cosignatures }
}
