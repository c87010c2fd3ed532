import { agePrimitives } from '#age-x25519'
import { AccessDeniedError, AgeNoMatchError, DecryptionError, UnknownRoleError } from '../errors.ts'
import { decryptAgeFile, encryptAgeFile, isArmoredAge } from './age-file/index.ts'
import { readersOf, requireRole } from '../roles/role.ts'
import type { Policy } from '../trust/policy.ts'
import { readerKeyFor } from '../trust/policy-keys.ts'
import { recipientToPublicKey } from './age-keys.ts'
import type { RoleKeyring } from './keyring.ts'
import { X25519StanzaIdentity, X25519StanzaRecipient } from './x25519-stanza.ts'

export interface EncryptOptions {
  /** ASCII armor (PEM-like text), as `age --armor` writes. */
  armor?: boolean
}

/**
 * Encrypts for every role that may read what `creatorRole` writes (readersOf):
 * to that reader set's key when the policy has one (one key agreement however
 * many readers), else to each reader role's recipient (policies from before
 * reader keys).
 */
export async function encryptForRole (policy: Policy, creatorRole: string, plaintext: Uint8Array, options: EncryptOptions = {}): Promise<Uint8Array> {
  return await encryptToRecipients(recipientsForRole(policy, creatorRole), plaintext, options)
}

/** The recipients a record written as `creatorRole` is encrypted to (see encryptForRole). */
export function recipientsForRole (policy: Policy, creatorRole: string): string[] {
  requireRole(policy.roles, creatorRole)
  const readers = readersOf(policy.roles, creatorRole)
  const readerKey = readerKeyFor(policy, readers)
  return readerKey === undefined ? readers.map(role => requireRole(policy.roles, role).recipient) : [readerKey.recipient]
}

/** Encrypts to explicit age X25519 recipients (age1…). */
export async function encryptToRecipients (recipients: readonly string[], plaintext: Uint8Array, options: EncryptOptions = {}): Promise<Uint8Array> {
  if (recipients.length === 0) throw new UnknownRoleError('no recipients to encrypt to')
  const stanzas = [...new Set(recipients)].map(recipient => new X25519StanzaRecipient(agePrimitives, recipientToPublicKey(recipient)))
  return await encryptAgeFile(stanzas, plaintext, { armor: options.armor === true })
}

export interface Decrypted {
  readonly plaintext: Uint8Array
  /** The held role whose key opened it. */
  readonly role: string
}

/**
 * Opens binary or armored age ciphertext with whichever held role key fits.
 * AccessDeniedError: well-formed, but for none of the held roles.
 * DecryptionError: malformed, truncated or tampered.
 */
export async function decryptWithKeyring (keyring: RoleKeyring, ciphertext: Uint8Array, options: { roleKeysOnly?: boolean } = {}): Promise<Decrypted> {
  const held = options.roleKeysOnly === true ? keyring.roleEntries() : keyring.entries()
  // Fresh identity objects per call: `matched` must describe this file only.
  const attempts = held.map(entry => ({ role: entry.role, identity: new X25519StanzaIdentity(agePrimitives, entry.keyPair) }))
  try {
    const plaintext = await decryptAgeFile(attempts.map(attempt => attempt.identity), ciphertext)
    return { plaintext, role: attempts.find(attempt => attempt.identity.matched)?.role ?? '' }
  } catch (cause) {
    if (cause instanceof AgeNoMatchError) {
      const roles = keyring.roles()
      throw new AccessDeniedError(roles.length === 0
        ? 'no role keys are held, so nothing can be decrypted'
        : `none of the held roles (${roles.join(', ')}) can read this content`, { cause })
    }
    if (cause instanceof DecryptionError) throw new DecryptionError(`not a valid age ciphertext: ${cause.message}`, { cause })
    throw cause
  }
}

/** Shorthand for decryptWithKeyring(...).plaintext. */
export async function decrypt (keyring: RoleKeyring, ciphertext: Uint8Array): Promise<Uint8Array> {
  return (await decryptWithKeyring(keyring, ciphertext)).plaintext
}

export function isArmored (bytes: Uint8Array): boolean {
  return isArmoredAge(bytes)
}
