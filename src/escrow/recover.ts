import { recipientOf } from '../crypto/generate.ts'
import { scalarToIdentity } from '../crypto/age-keys.ts'
import { toBase64url } from '../encoding/base64url.ts'
import { equalBytes } from '../encoding/bytes.ts'
import { EscrowVerificationError, MismatchedSharesError } from '../errors.ts'
import { requireRole } from '../roles/role.ts'
import type { Policy } from '../trust/policy.ts'
import { signingKeyFromSeed } from '../trust/signing-key.ts'
import { combineShares } from './combine.ts'
import { untagged } from './payload.ts'
import type { EscrowShare } from './share.ts'
import { subjectRole } from './subject.ts'

/** What a rebuilt key is checked against: never the shares' own claims. */
export interface EscrowTrust {
  /** The network root's public key (network.json). */
  readonly rootPublicKey: Uint8Array
  /** The policy, already verified against rootPublicKey (NetworkDir.readPolicy, verifyPolicy). */
  readonly policy: Policy
}

export type RecoveredKey =
  | { readonly subject: 'root', readonly seed: Uint8Array, readonly publicKey: string }
  | { readonly subject: `role:${string}`, readonly role: string, readonly identity: string, readonly recipient: string }

const WRONG_REBUILD = 'a share is damaged, shares from different splits were mixed, or fewer shares than the real threshold were given'

/**
 * Combines shares and verifies what they rebuild: the root seed must derive
 * to the network's root key; a role identity must derive to the recipient
 * the verified policy names for that role now. Anything else is an
 * EscrowVerificationError, and nothing is returned.
 */
export async function recoverKey (shares: readonly EscrowShare[], trust: EscrowTrust): Promise<RecoveredKey> {
  const network = toBase64url(trust.rootPublicKey)
  if (trust.policy.network !== network) throw new EscrowVerificationError('the policy given is not this network\'s')
  const foreign = shares.find(share => share.network !== network)
  if (foreign !== undefined) throw new MismatchedSharesError(`share ${foreign.index} is for network ${foreign.network}, not this one (${network})`)
  // Checked before combining: a share from another network has been refused above.
  const subject = shares[0]?.subject
  const role = subject === undefined ? undefined : subjectRole(subject)
  const expected = role === undefined ? network : requireRole(trust.policy.roles, role).recipient

  const payload = await combineShares(shares)
  const secret = untagged(payload)
  payload.fill(0)
  if (secret === undefined) throw new EscrowVerificationError(`the shares rebuild no consistent key for ${subject ?? 'the subject'}: ${WRONG_REBUILD}`)

  if (role === undefined) {
    const publicKey = (await signingKeyFromSeed(secret)).publicKey
    if (!equalBytes(publicKey, trust.rootPublicKey)) {
      secret.fill(0)
      throw new EscrowVerificationError(`the rebuilt seed is not this network's root key: ${WRONG_REBUILD}`)
    }
    return { subject: 'root', seed: secret, publicKey: network }
  }
  const identity = scalarToIdentity(secret)
  secret.fill(0)
  const recipient = await recipientOf(identity)
  if (recipient !== expected) {
    throw new EscrowVerificationError(recipient === shares[0]?.publicKey
      ? `the shares rebuild an older key of role "${role}": the policy now names ${expected} (the role was rotated after this split; split its new key)`
      : `the rebuilt identity is not role "${role}"'s key in the policy: ${WRONG_REBUILD}`)
  }
  return { subject: `role:${role}`, role, identity, recipient }
}
