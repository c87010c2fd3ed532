import { merge } from '../clock/vector-clock.ts'
import type { VectorClock } from '../clock/vector-clock.ts'
import { toBase64url } from '../encoding/base64url.ts'
import { ClockRuleError, ReplaceNotAllowedError } from '../errors.ts'
import { compareAuthority } from '../roles/authority.ts'
import { readersOf } from '../roles/role.ts'
import type { Policy } from '../trust/policy.ts'
import type { RecordEnvelope } from './envelope.ts'
import { selectWinner } from './siblings.ts'
import { effectiveRole } from './generation.ts'

/**
 * The rules a relay applies to a member's write the first time the network
 * sees it, against what the relay holds for that key. Replicas of versions
 * another relay already admitted are not judged again by this relay's local
 * view: relays that hold different subsets would refuse different versions
 * and never converge.
 */

/**
 * How far the author's own counter may run ahead of what the relay has seen
 * signed by it here. Not exactly one: a relay that missed a write (a
 * partition, a relay that joined later) must not refuse the writer forever.
 * Bounded, so no counter is ever pushed near the end of the varint range.
 */
export const MAX_CLOCK_STEP = 1 << 20

/**
 * Issue 10 finding 6 (clock poisoning) and finding 3 (made-up actors): every
 * clock entry but the author's must be at most the largest counter the relay
 * holds for that actor under this key. Every held version passed this rule
 * when it was first accepted, so by induction that counter was signed by the
 * actor itself; an actor absent from every held clock never signed here.
 */
export function checkClock (held: readonly RecordEnvelope[], incoming: RecordEnvelope): void {
  const seen = held.reduce<VectorClock>((acc, version) => merge(acc, version.clock), {})
  const author = toBase64url(incoming.author)
  for (const [actor, counter] of Object.entries(incoming.clock)) {
    const bound = seen[actor] ?? 0
    if (actor === author) {
      if (counter > bound + MAX_CLOCK_STEP) {
        throw new ClockRuleError(`the author's own clock entry (${counter}) jumps more than ${MAX_CLOCK_STEP} past the ${bound} this relay holds for it`)
      }
    } else if (bound === 0) {
      throw new ClockRuleError(`the clock names actor ${actor.slice(0, 12)}…, which has signed no version this relay holds for this key`)
    } else if (counter > bound) {
      throw new ClockRuleError(`the clock gives actor ${actor.slice(0, 12)}… ${counter}, more than the ${bound} this relay holds signed by it for this key`)
    }
  }
}

/**
 * Issue 10 finding 4 (per-address authority): a member's version must be of
 * the content type the address holds, and may push out a held version, or
 * become the winner in the held winner's place, only when it is at least that
 * version: authority at least as high, read by every role that read it.
 * Suggestions are stored beside context under their own key (recordKey), one
 * sibling per author, so a suggestion winning over another hides nothing.
 */
export function checkReplace (policy: Policy, held: readonly RecordEnvelope[], incoming: RecordEnvelope, after: readonly RecordEnvelope[], displaced: readonly RecordEnvelope[]): void {
  const winner = selectWinner(held)
  if (winner === undefined) return
  if (incoming.contentType !== winner.contentType) {
    throw new ReplaceNotAllowedError(`this address holds a ${winner.contentType} record; a ${incoming.contentType} record cannot be stored on top of it (suggestions have their own key)`)
  }
  for (const version of displaced) requireAtLeast(policy, incoming, version, 'replace')
  const next = selectWinner(after)
  if (next !== undefined && next !== winner && !(next.contentType === 'suggestion' && winner.contentType === 'suggestion')) {
    requireAtLeast(policy, next, winner, 'win over')
  }
}

// A generated version counts as written by the role it was generated for.
function requireAtLeast (policy: Policy, version: RecordEnvelope, held: RecordEnvelope, verb: string): void {
  const heldName = effectiveRole(held)
  const versionName = effectiveRole(version)
  const heldRole = Object.hasOwn(policy.roles, heldName) ? policy.roles[heldName] : undefined
  // A held version whose role the policy no longer knows no longer validates, so protects nothing.
  if (heldRole === undefined) return
  const role = Object.hasOwn(policy.roles, versionName) ? policy.roles[versionName] : undefined
  if (role === undefined) throw new ReplaceNotAllowedError(`role "${versionName}" is not in the policy`)
  if (compareAuthority(role.authority, heldRole.authority) < 0) {
    throw new ReplaceNotAllowedError(`role "${versionName}" (${role.authority}) may not ${verb} a version written as "${heldName}" (${heldRole.authority})`)
  }
  const readers = new Set(readersOf(policy.roles, versionName))
  const lost = readersOf(policy.roles, heldName).filter(reader => !readers.has(reader))
  if (lost.length > 0) {
    throw new ReplaceNotAllowedError(`a version written as "${versionName}" may not ${verb} one written as "${heldName}": ${lost.join(', ')} could read it and could not read this`)
  }
}
