import { sha256 } from '@noble/hashes/sha2.js'
import type { VectorClock } from '../clock/vector-clock.ts'
import { signedPayload } from '../trust/domain.ts'
import type { MembershipCertificate } from '../trust/certificate.ts'
import type { SigningKey } from '../trust/signing-key.ts'
import { GENERATED_RECORD_FORMAT_VERSION, RECORD_FORMAT_VERSION, encodeEnvelope, encodeUnsigned } from './envelope.ts'
import type { RecordEnvelope } from './envelope.ts'
import type { GenerationStamp } from './generation.ts'

export interface SealInput {
  key: string
  clock: VectorClock
  signer: SigningKey
  certificate: MembershipCertificate
  role: string
  contentType: string
  /** A leader-generated record's stamp (format version 2). */
  generation?: GenerationStamp
  created: number
  updated: number
  ciphertext: Uint8Array
}

export interface SealedRecord {
  readonly envelope: RecordEnvelope
  readonly bytes: Uint8Array
}

/** Hashes and signs a ciphertext into an envelope. */
export async function sealRecord (input: SealInput): Promise<SealedRecord> {
  const unsigned = {
    formatVersion: input.generation === undefined ? RECORD_FORMAT_VERSION : GENERATED_RECORD_FORMAT_VERSION,
    key: input.key,
    clock: input.clock,
    author: input.signer.publicKey,
    certificate: input.certificate,
    role: input.role,
    contentType: input.contentType,
    ...(input.generation === undefined ? {} : { generation: input.generation }),
    created: input.created,
    updated: input.updated,
    ciphertextHash: sha256(input.ciphertext),
    ciphertext: input.ciphertext
  }
  const signature = await input.signer.sign(signedPayload('record', encodeUnsigned(unsigned)))
  const envelope = { ...unsigned, signature }
  return { envelope, bytes: encodeEnvelope(envelope) }
}
