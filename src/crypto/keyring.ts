import { agePrimitives } from '#age-x25519'
import { InvalidKeyError } from '../errors.ts'
import { ROLE_NAME } from '../roles/role.ts'
import { identityToScalar, publicKeyToRecipient } from './age-keys.ts'
import type { X25519KeyAgreement } from './primitives.ts'

/**
 * The role identities a peer holds. Keys are imported once (the costly part
 * on WebCrypto) and reused for every decryption.
 */
export interface HeldRole {
  readonly role: string
  readonly recipient: string
  /** The imported private key, ready for X25519 agreement. */
  readonly keyPair: X25519KeyAgreement
}

export class RoleKeyring {
  private readonly held = new Map<string, HeldRole>()

  static async from (entries: Iterable<readonly [role: string, identity: string]>): Promise<RoleKeyring> {
    const keyring = new RoleKeyring()
    for (const [role, identity] of entries) await keyring.add(role, identity)
    return keyring
  }

  /** Adds (or replaces) the identity held for `role`; returns its recipient. */
  async add (role: string, identity: string): Promise<string> {
    if (!ROLE_NAME.test(role)) throw new InvalidKeyError(`"${role}" is not a valid role name`)
    const keyPair = await agePrimitives.importScalar(identityToScalar(identity))
    const recipient = publicKeyToRecipient(keyPair.publicKey)
    this.held.set(role, { role, recipient, keyPair })
    return recipient
  }

  remove (role: string): boolean {
    return this.held.delete(role)
  }

  has (role: string): boolean {
    return this.held.has(role)
  }

  get (role: string): HeldRole | undefined {
    return this.held.get(role)
  }

  roles (): string[] {
    return [...this.held.keys()].sort()
  }

  /** A keyring narrowed to some roles, e.g. to read "as" one role only. */
  only (roles: Iterable<string>): RoleKeyring {
    const narrowed = new RoleKeyring()
    for (const role of roles) {
      const entry = this.held.get(role)
      if (entry !== undefined) narrowed.held.set(role, entry)
    }
    return narrowed
  }

  entries (): HeldRole[] {
    return [...this.held.values()]
  }

  get size (): number {
    return this.held.size
  }
}
