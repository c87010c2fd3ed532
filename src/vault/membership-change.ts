import { fromBase64url, toBase64url } from '../encoding/base64url.ts'
import { InvalidInviteError } from '../errors.ts'
import type { InviteFile } from '../invite/invite.ts'
import { decodeCertificate } from '../trust/certificate.ts'
import type { VaultSummary } from './key-vault.ts'

/**
 * What importing `invite` would do to the membership a vault holds:
 * - `none`: the vault is empty, nothing is replaced;
 * - `same`: the same member of the same network (the same link opened again);
 * - `other-member`: another membership of the same network (other roles, other key);
 * - `other-network`: keys of a different network.
 * Anything but `none` and `same` replaces keys someone may still need, so the
 * app asks first, and drops the decrypted cache the old keys filled.
 */
export type MembershipChange = 'none' | 'same' | 'other-member' | 'other-network'

export function membershipChange (held: VaultSummary | undefined, invite: InviteFile): MembershipChange {
  if (held === undefined) return 'none'
  if (held.network !== invite.network) return 'other-network'
  // A summary saved before it named its member cannot prove sameness: treat it as another member.
  return held.member !== undefined && held.member === memberOf(invite) ? 'same' : 'other-member'
}

/** The member public key an invite's certificate names, base64url. */
export function memberOf (invite: InviteFile): string {
  try {
    return toBase64url(decodeCertificate(fromBase64url(invite.member.certificate)).member)
  } catch (cause) {
    throw new InvalidInviteError('the invite\'s membership certificate is damaged', { cause })
  }
}
