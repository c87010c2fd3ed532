import { verifyPolicy } from '../src/trust/policy.ts'
import type { Policy, SignedPolicy } from '../src/trust/policy.ts'
import { readText, writeFileAtomic } from './key-files.ts'
import type { NetworkDir } from './network-dir.ts'

/**
 * A node started from a network directory takes the newest verified policy
 * among the directory's policy.json and the copies it kept of newer ones the
 * mesh brought (a relay's data folder), so a restart never rolls it back.
 */
export async function newestPolicy (dir: NetworkDir, kept: readonly string[] = []): Promise<{ policy: Policy, signed: SignedPolicy }> {
  const { rootPublicKey } = await dir.readNetwork()
  let best = { policy: await dir.readPolicy(), signed: await dir.readSignedPolicy() }
  for (const path of kept) {
    let signed: unknown
    try {
      signed = JSON.parse(await readText(path, 'policy'))
    } catch {
      continue
    }
    // A damaged or foreign copy is ignored: the directory's own policy still holds.
    const policy = await verifyPolicy(signed, rootPublicKey).catch(() => undefined)
    if (policy !== undefined && policy.version > best.policy.version) best = { policy, signed: signed as SignedPolicy }
  }
  return best
}

export async function keepPolicy (path: string, signed: SignedPolicy): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(signed, null, 2)}\n`)
}
