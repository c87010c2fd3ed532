import { toBase64url } from '../encoding/base64url.ts'
import type { RecordEnvelope } from '../record/envelope.ts'
import type { RecordMeta } from './types.ts'

/** What a reader is told about a version, from its signed header. */
export function metaOf (envelope: RecordEnvelope): Omit<RecordMeta, 'readAs' | 'replicas'> {
  return {
    key: envelope.key,
    version: envelope.clock,
    author: toBase64url(envelope.author),
    role: envelope.role,
    contentType: envelope.contentType,
    created: envelope.created,
    updated: envelope.updated
  }
}
