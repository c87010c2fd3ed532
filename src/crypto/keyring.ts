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
  /**
   * 'role': the role's own identity. 'reader': a reader-set key this role's
   * identity unsealed from the policy (src/keys/): it opens records written
   * to that set, and reports `role` as the role that read them.
   */
  readonly kind: 'role' | 'reader'
}

/**
 * A role may hold several identities: after a key rotation the newest one
 * encrypts, and the older ones still open what was written before.
 */
export class RoleKeyring {
  private readonly held = new Map<string, HeldRole[]>()

  static async from (entries: Iterable<readonly [role: string, identity: string]>): Promise<RoleKeyring> {
    const keyring = new RoleKeyring()
    for (const [role, identity] of entries) await keyring.add(role, identity)
    return keyring
  }

  /** Adds an identity for `role` (a duplicate is ignored); returns its recipient. */
  async add (role: string, identity: string): Promise<string> {
    return await this.hold(role, identity, 'role')
  }

  /** Adds a reader-set identity that `role`'s key unsealed (a duplicate is ignored); returns its recipient. */
  async addReaderKey (role: string, identity: string): Promise<string> {
    return await this.hold(role, identity, 'reader')
  }

  private async hold (role: string, identity: string, kind: HeldRole['kind']): Promise<string> {
    if (!ROLE_NAME.test(role)) throw new InvalidKeyError(`"${role}" is not a valid role name`)
    const keyPair = await agePrimitives.importScalar(identityToScalar(identity))
    const recipient = publicKeyToRecipient(keyPair.publicKey)
    const list = this.held.get(role) ?? []
    if (!list.some(entry => entry.recipient === recipient)) list.push({ role, recipient, keyPair, kind })
    this.held.set(role, list)
    return recipient
  }

  /** Whether an identity for `recipient` is held (as a role key or a reader key). */
  holds (recipient: string): boolean {
    return this.entries().some(entry => entry.recipient === recipient)
  }

  remove (role: string): boolean {
    return this.held.delete(role)
  }

  has (role: string): boolean {
    return this.held.has(role)
  }

  /** Every identity held for `role`, in the order added. */
  get (role: string): readonly HeldRole[] {
    return this.held.get(role) ?? []
  }

  roles (): string[] {
    return [...this.held.keys()].sort()
  }

  /** A keyring narrowed to some roles, e.g. to read "as" one role only. */
  only (roles: Iterable<string>): RoleKeyring {
    const narrowed = new RoleKeyring()
    for (const role of roles) {
      const list = this.held.get(role)
      if (list !== undefined) narrowed.held.set(role, list)
    }
    return narrowed
  }

  /**
   * Reader keys first: a record written to a reader set has one stanza, and
   * trying role keys on it first would cost an agreement each for nothing.
   */
  entries (): HeldRole[] {
    const all = [...this.held.values()].flat()
    // A reader key held through several roles is tried once.
    const readers = new Map(all.filter(entry => entry.kind === 'reader').reverse().map(entry => [entry.recipient, entry]))
    return [...[...readers.values()].reverse(), ...all.filter(entry => entry.kind === 'role')]
  }

  /** Only the roles' own identities: what opens sealed reader keys and key bundles. */
  roleEntries (): HeldRole[] {
    return [...this.held.values()].flat().filter(entry => entry.kind === 'role')
  }

  get size (): number {
    return this.held.size
  }
}
