import { toBase64url } from '../encoding/base64url.ts'
import { SlurpError } from '../errors.ts'
import type { FanOutResult } from '../net/fan-out.ts'
import type { RecordResponse } from '../net/record-messages.ts'
import type { RecordEnvelope } from '../record/envelope.ts'
import { mergeVersion, siblingSetDigest } from '../record/siblings.ts'
import { validateRecord } from '../record/validator.ts'
import type { ValidationContext } from '../record/validator.ts'
import type { Health, ReplicationStatus } from './types.ts'

/**
 * Seed 003's ReplicationStatus from what the relays responsible for a key
 * answered: who holds a valid version (each verified here, judged as a
 * replica: by its certificate at signing time), who holds nothing, who could
 * not be asked, the winner and whether every holder holds the same versions.
 */
export async function replicationStatusOf (address: string, key: string, target: number, asked: FanOutResult<RecordResponse>, validation: ValidationContext): Promise<ReplicationStatus> {
  const holders: string[] = []
  const missing: string[] = []
  const digests = new Set<string>()
  let siblings: readonly RecordEnvelope[] = []
  for (const { peer, value } of asked.answers) {
    const verified: RecordEnvelope[] = []
    for (const bytes of value.status === 'ok' ? value.records : []) {
      try {
        verified.push(await validateRecord(bytes, validation, key, { origin: 'replica' }))
      } catch (error) {
        if (!(error instanceof SlurpError)) throw error
      }
    }
    if (verified.length === 0) {
      missing.push(peer.toString())
      continue
    }
    holders.push(peer.toString())
    digests.add(toBase64url(siblingSetDigest(verified)))
    for (const envelope of verified) siblings = mergeVersion(siblings, envelope).siblings
  }
  const replicas = holders.length
  const health: Health = replicas >= target ? 'healthy' : replicas > 0 ? 'degraded' : 'critical'
  return {
    address,
    key,
    health,
    replicas,
    target,
    holders,
    missing,
    unreachable: asked.failures.map(failure => failure.peer.toString()),
    version: siblings[0]?.clock ?? null,
    conflicts: Math.max(0, siblings.length - 1),
    consistent: digests.size <= 1
  }
}
