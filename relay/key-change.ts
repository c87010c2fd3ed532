import { keyFingerprint } from '../src/crypto/fingerprint.ts'
import { generateRoleKey } from '../src/crypto/generate.ts'
import { NetworkError, UsageError } from '../src/errors.ts'
import type { PolicyRole, SignedPolicy } from '../src/trust/policy.ts'
import type { Revocation } from '../src/trust/policy-keys.ts'
import type { CommandIO } from './command.ts'
import type { NetworkDir } from './network-dir.ts'
import { openPeer } from './peer-from-dir.ts'
import { reissuePolicy } from './policy-admin.ts'

export interface KeyChangeResult {
  readonly policyVersion: number
  readonly rotated: Array<{ role: string, fingerprint: string, identitiesHeld: number }>
  /** Reader sets that got a new epoch. */
  readonly readerKeys: Array<{ roles: readonly string[], epoch: number }>
  /** Members a key bundle was published for. */
  readonly bundles: number
  readonly published: { relays: number, current: number } | { error: string }
}

/**
 * Rotates `roles` (new identities first in keys/ROLE.age, older ones kept),
 * optionally records a revocation, signs the next policy with new reader-key
 * epochs and key bundles, writes it, and hands it to the running relays.
 * Key files are written before the policy: a policy naming a recipient whose
 * identity was lost would make new content unreadable.
 */
export async function changeKeys (dir: NetworkDir, change: { roles: readonly string[], revoke?: Revocation }, bootstrap: string[], io: CommandIO): Promise<KeyChangeResult> {
  const before = await dir.readPolicy()
  for (const role of change.roles) {
    if (!Object.hasOwn(before.roles, role)) throw new UsageError(`role "${role}" is not in the policy (${Object.keys(before.roles).join(', ')})`)
  }
  const created = new Date().toISOString()
  const rotated: KeyChangeResult['rotated'] = []
  const roles = new Map(Object.values(before.roles).map(role => [role.name, role]))
  for (const name of change.roles) {
    const pair = await generateRoleKey()
    const identitiesHeld = await dir.prependRoleIdentity(name, { ...pair, created })
    roles.set(name, { ...(roles.get(name) as PolicyRole), recipient: pair.recipient })
    rotated.push({ role: name, fingerprint: keyFingerprint(pair.recipient), identitiesHeld })
  }
  const signed = await reissuePolicy(dir, { roles: [...roles.values()], rotated: new Set(change.roles), ...(change.revoke === undefined ? {} : { revoke: change.revoke }) })
  await dir.writePolicy(signed)
  const epochsBefore = new Map((before.readerKeys ?? []).map(entry => [entry.roles.join(','), entry.epoch]))
  return {
    policyVersion: signed.policy.version,
    rotated,
    readerKeys: (signed.policy.readerKeys ?? []).filter(entry => epochsBefore.get(entry.roles.join(',')) !== entry.epoch).map(entry => ({ roles: entry.roles, epoch: entry.epoch })),
    bundles: Object.keys(signed.policy.memberKeys ?? {}).filter(member => signed.policy.memberKeys?.[member] !== before.memberKeys?.[member]).length,
    published: await publish(dir, bootstrap, signed, io)
  }
}

/** Hands the directory's policy to the running relays; they pass it on to everyone else. */
export async function publish (dir: NetworkDir, bootstrap: string[], signed: SignedPolicy, io: CommandIO): Promise<KeyChangeResult['published']> {
  try {
    const peer = await openPeer(dir, bootstrap)
    try {
      await peer.offerPolicy(signed)
      return await peer.publishPolicy({ signal: AbortSignal.timeout(10_000) })
    } finally {
      await peer.stop()
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error
    io.stderr(`slurp: the new policy (version ${signed.policy.version}) is written to ${dir.file('policy.json')} but no relay was reachable: ${error.message}. Relays take it from any node that has it; run "slurp policy --push" once they are up.\n`)
    return { error: error.message }
  }
}
