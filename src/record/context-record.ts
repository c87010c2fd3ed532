import { increment } from '../clock/vector-clock.ts'
import type { VectorClock } from '../clock/vector-clock.ts'
import type { RoleKeyring } from '../crypto/keyring.ts'
import { decryptWithKeyring, encryptToRecipients, recipientsForRole } from '../crypto/role-crypto.ts'
import { toBase64url } from '../encoding/base64url.ts'
import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import { InvalidRecordError } from '../errors.ts'
import type { ContentType } from '../roles/authority.ts'
import type { MembershipCertificate } from '../trust/certificate.ts'
import type { Policy } from '../trust/policy.ts'
import type { SigningKey } from '../trust/signing-key.ts'
import { parseContextItem } from './context-item.ts'
import type { ContextDraft, ContextItem } from './context-item.ts'
import type { RecordEnvelope } from './envelope.ts'
import type { GenerationStamp } from './generation.ts'
import { readersOf, requireRole } from '../roles/role.ts'
import { recordKey } from './record-key.ts'
import { sealRecord } from './seal.ts'
import type { SealedRecord } from './seal.ts'

/** Who is writing: a member key, its certificate, and the role it writes as. */
export interface Author {
  readonly signer: SigningKey
  readonly certificate: MembershipCertificate
  readonly role: string
}

export interface CreateContextRecordInput {
  readonly policy: Policy
  readonly author: Author
  readonly address: string
  readonly draft: ContextDraft
  readonly contentType?: ContentType
  /** The versions this write supersedes: their clocks are merged, then advanced. */
  readonly previous?: { clock: VectorClock, created?: number }
  readonly now?: number
  /** The elected leader's result for another role (issue 13): sealed as format version 2. */
  readonly generation?: GenerationStamp
}

/**
 * Encrypts a context item to readersOf(author role), then signs it into a
 * record for the item's key (recordKey: suggestions have their own). A
 * generated record is encrypted to the readers of the role it was generated
 * for, plus the leader role that wrote it.
 */
export async function createContextRecord (input: CreateContextRecordInput): Promise<SealedRecord & { item: ContextItem }> {
  const now = input.now ?? Date.now()
  const created = input.previous?.created ?? now
  const contentType = input.contentType ?? input.draft.contentType ?? 'context'
  const item = parseContextItem({
    ...input.draft,
    address: input.address,
    contentType,
    creatorRole: input.author.role,
    createdAt: new Date(created).toISOString(),
    updatedAt: new Date(now).toISOString()
  })
  const ciphertext = await encryptToRecipients(recipientsOf(input.policy, input.author.role, input.generation), utf8Encode(JSON.stringify(item)))
  const sealed = await sealRecord({
    key: await recordKey(item.address, contentType),
    clock: increment(input.previous?.clock ?? {}, toBase64url(input.author.signer.publicKey)),
    signer: input.author.signer,
    certificate: input.author.certificate,
    role: input.author.role,
    contentType,
    ...(input.generation === undefined ? {} : { generation: input.generation }),
    created,
    updated: now,
    ciphertext
  })
  return { ...sealed, item }
}

function recipientsOf (policy: Policy, writerRole: string, generation: GenerationStamp | undefined): string[] {
  if (generation === undefined) return recipientsForRole(policy, writerRole)
  const recipients = recipientsForRole(policy, generation.forRole)
  if (readersOf(policy.roles, generation.forRole).includes(writerRole)) return recipients
  return [...recipients, requireRole(policy.roles, writerRole).recipient]
}

/**
 * Decrypts a (validated) record to its context item. The address inside must
 * hash to the key the record was signed for (recordKey of its content type), so no ciphertext can be replayed
 * under another address.
 */
export async function openContextRecord (envelope: RecordEnvelope, keyring: RoleKeyring): Promise<{ item: ContextItem, role: string }> {
  const { plaintext, role } = await decryptWithKeyring(keyring, envelope.ciphertext)
  let item: ContextItem
  try {
    item = parseContextItem(JSON.parse(utf8Decode(plaintext)))
  } catch (cause) {
    if (cause instanceof InvalidRecordError) throw cause
    throw new InvalidRecordError('decrypted content is not a JSON context item', { cause })
  }
  if (await recordKey(item.address, item.contentType) !== envelope.key) {
    throw new InvalidRecordError('decrypted address does not match the key the record was stored under')
  }
  if (item.contentType !== envelope.contentType || item.creatorRole !== envelope.role) {
    throw new InvalidRecordError('decrypted item disagrees with its signed header (content type or role)')
  }
  return { item, role }
}
