import { split } from 'shamir-secret-sharing'
import { recipientOf } from '../crypto/generate.ts'
import { identityToScalar } from '../crypto/age-keys.ts'
import { toBase64url } from '../encoding/base64url.ts'
import { UsageError } from '../errors.ts'
import { ROLE_NAME } from '../roles/role.ts'
import { signingKeyFromSeed } from '../trust/signing-key.ts'
import type { Custodian } from './custodian.ts'
import { SECRET_BYTES, tagged } from './payload.ts'
import { MAX_SHARES, MIN_SHARES, SHARE_FORMAT } from './share.ts'
import type { EscrowShare } from './share.ts'
import { roleSubject } from './subject.ts'
import type { EscrowSubject } from './subject.ts'

export interface SplitOptions {
  /** Shares needed to rebuild: 2 ≤ threshold ≤ custodians. */
  readonly threshold: number
  /** One share each, in this order (index 1 is the first). */
  readonly custodians: readonly Custodian[]
}

/** 2 ≤ T ≤ N ≤ 255, or a UsageError saying which bound is broken. */
export function checkThreshold (threshold: number, shares: number): void {
  if (!Number.isInteger(threshold) || threshold < MIN_SHARES) throw new UsageError(`the threshold must be a whole number ≥ ${MIN_SHARES} (one share alone would be the key)`)
  if (shares < MIN_SHARES) throw new UsageError(`a split needs at least ${MIN_SHARES} custodians, got ${shares}`)
  if (shares > MAX_SHARES) throw new UsageError(`a split makes at most ${MAX_SHARES} shares, got ${shares} custodians`)
  if (threshold > shares) throw new UsageError(`the threshold (${threshold}) cannot exceed the number of custodians (${shares}): the key could never be rebuilt`)
}

/** Splits the network root's Ed25519 seed; its public key is the network key. */
export async function splitRootKey (seed: Uint8Array, options: SplitOptions): Promise<EscrowShare[]> {
  const network = toBase64url((await signingKeyFromSeed(seed)).publicKey)
  return await splitSecret(seed, { ...options, network, subject: 'root', publicKey: network })
}

/** Splits a role's age identity (its 32-byte X25519 scalar); `network` is the root public key. */
export async function splitRoleKey (identity: string, role: string, network: Uint8Array, options: SplitOptions): Promise<EscrowShare[]> {
  if (!ROLE_NAME.test(role)) throw new UsageError(`"${role}" is not a role name`)
  return await splitSecret(identityToScalar(identity), { ...options, network: toBase64url(network), subject: roleSubject(role), publicKey: await recipientOf(identity) })
}

interface SplitDescription extends SplitOptions {
  readonly network: string
  readonly subject: EscrowSubject
  readonly publicKey: string
}

async function splitSecret (secret: Uint8Array, description: SplitDescription): Promise<EscrowShare[]> {
  checkThreshold(description.threshold, description.custodians.length)
  if (secret.length !== SECRET_BYTES) throw new UsageError(`an escrowed key is ${SECRET_BYTES} bytes`)
  // The library insists on a plain Uint8Array (not a Buffer or a subclass).
  const payload = Uint8Array.from(tagged(secret))
  const parts = await split(payload, description.custodians.length, description.threshold)
  payload.fill(0)
  return parts.map((part, i) => ({
    format: SHARE_FORMAT,
    network: description.network,
    subject: description.subject,
    publicKey: description.publicKey,
    threshold: description.threshold,
    shares: description.custodians.length,
    index: i + 1,
    share: toBase64url(part),
    custodian: (description.custodians[i] as Custodian).id
  }))
}
