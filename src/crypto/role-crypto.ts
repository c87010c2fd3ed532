import { agePrimitives } from '#age-x25519'
import { Decrypter, Encrypter, armor } from 'age-encryption'
import { AccessDeniedError, DecryptionError, UnknownRoleError } from '../errors.ts'
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
  const encrypter = new Encrypter()
  for (const recipient of new Set(recipients)) {
    encrypter.addRecipient(new X25519StanzaRecipient(agePrimitives, recipientToPublicKey(recipient)))
  }
  const ciphertext = await encrypter.encrypt(plaintext)
  return options.armor === true ? new TextEncoder().encode(armor.encode(ciphertext)) : ciphertext
}

export interface Decrypted {
  readonly plaintext: Uint8Array
  /** The held role whose key opened it. */
  readonly role: string
}

const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----'

/**
 * Opens binary or armored age ciphertext with whichever held role key fits.
 * AccessDeniedError: well-formed, but for none of the held roles.
 * DecryptionError: malformed, truncated or tampered.
 */
export async function decryptWithKeyring (keyring: RoleKeyring, ciphertext: Uint8Array, options: { roleKeysOnly?: boolean } = {}): Promise<Decrypted> {
  const binary = dearmor(ciphertext)
  const held = options.roleKeysOnly === true ? keyring.roleEntries() : keyring.entries()
  // Fresh identity objects per call: `matched` must describe this file only.
  const attempts = held.map(entry => ({ role: entry.role, identity: new X25519StanzaIdentity(agePrimitives, entry.keyPair) }))
  const decrypter = new Decrypter()
  let headerParsed = false
  decrypter.addIdentity({
    async unwrapFileKey (stanzas) {
      headerParsed = true
      for (const attempt of attempts) {
        const fileKey = await attempt.identity.unwrapFileKey(stanzas)
        if (fileKey !== null) return fileKey
      }
      return null
    }
  })
  try {
    const plaintext = await decrypter.decrypt(binary)
    const opened = attempts.find(attempt => attempt.identity.matched)
    return { plaintext, role: opened?.role ?? '' }
  } catch (cause) {
    if (headerParsed && !attempts.some(attempt => attempt.identity.matched)) {
      const roles = keyring.roles()
      throw new AccessDeniedError(roles.length === 0
        ? 'no role keys are held, so nothing can be decrypted'
        : `none of the held roles (${roles.join(', ')}) can read this content`, { cause })
    }
    throw new DecryptionError(`not a valid age ciphertext: ${(cause as Error).message}`, { cause })
  }
}

/** Shorthand for decryptWithKeyring(...).plaintext. */
export async function decrypt (keyring: RoleKeyring, ciphertext: Uint8Array): Promise<Uint8Array> {
  return (await decryptWithKeyring(keyring, ciphertext)).plaintext
}

export function isArmored (bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart()
  return head.startsWith(ARMOR_BEGIN)
}

function dearmor (bytes: Uint8Array): Uint8Array {
  if (!isArmored(bytes)) return bytes
  try {
    return armor.decode(new TextDecoder().decode(bytes))
  } catch (cause) {
    throw new DecryptionError(`malformed age armor: ${(cause as Error).message}`, { cause })
  }
}
