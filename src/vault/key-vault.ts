import { Decrypter, Encrypter } from 'age-encryption'
import { recipientOf } from '../crypto/generate.ts'
import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import { InvalidInviteError, VaultLockedError } from '../errors.ts'
import { parseInvite } from '../invite/invite.ts'
import { memberOf } from './membership-change.ts'
import type { InviteFile } from '../invite/invite.ts'
import type { KVStore } from '../store/types.ts'

/** What the vault shows without its passphrase: nothing secret. */
export interface VaultSummary {
  readonly network: string
  /** The member's public key (base64url), from its certificate; absent in summaries saved before it was kept. */
  readonly member?: string
  readonly label?: string
  /** Role → recipients (public keys) of the identities held. */
  readonly roles: Readonly<Record<string, readonly string[]>>
  readonly bootstrap: readonly string[]
  /** Whether the secrets are encrypted under a passphrase. */
  readonly protected: boolean
  readonly savedAt: string
}

export interface KeyVaultOptions {
  /** scrypt work factor (log2 N) for passphrase protection; age's default is 18. */
  readonly scryptWorkFactor?: number
}

const SUMMARY_KEY = 'vault/summary'
const SECRET_KEY = 'vault/secret'

/**
 * Keeps one membership (an invite and the role keys added since) in a KVStore:
 * IndexedDB in a browser tab. The secrets — member key and role identities —
 * can be sealed with a passphrase (age's scrypt recipient), so a copied
 * browser profile does not give them away; the summary stays readable so the
 * app can show which roles it holds before it is unlocked.
 */
export class KeyVault {
  /** The store is opened on first use (open is idempotent) and stays open. */
  constructor (private readonly store: KVStore, private readonly options: KeyVaultOptions = {}) {}

  async summary (options: { signal?: AbortSignal } = {}): Promise<VaultSummary | undefined> {
    await this.store.open(options)
    const bytes = await this.store.get(SUMMARY_KEY, options)
    return bytes === undefined ? undefined : JSON.parse(utf8Decode(bytes)) as VaultSummary
  }

  /** Replaces what the vault holds. With a passphrase, the secrets are sealed under it. */
  async save (invite: InviteFile, options: { passphrase?: string, signal?: AbortSignal } = {}): Promise<VaultSummary> {
    const roles: Record<string, string[]> = {}
    for (const [role, identities] of Object.entries(invite.roles)) {
      roles[role] = await Promise.all(identities.map(recipientOf))
    }
    const passphrase = options.passphrase === '' ? undefined : options.passphrase
    const summary: VaultSummary = {
      network: invite.network,
      member: memberOf(invite),
      ...(invite.label === undefined ? {} : { label: invite.label }),
      roles,
      bootstrap: invite.bootstrap,
      protected: passphrase !== undefined,
      savedAt: new Date().toISOString()
    }
    const plain = utf8Encode(JSON.stringify(invite))
    let secret: Uint8Array = plain
    if (passphrase !== undefined) {
      const encrypter = new Encrypter()
      encrypter.setPassphrase(passphrase)
      if (this.options.scryptWorkFactor !== undefined) encrypter.setScryptWorkFactor(this.options.scryptWorkFactor)
      secret = await encrypter.encrypt(plain)
    }
    // One batch: the summary never describes secrets that are not there.
    await this.store.open(options)
    await this.store.batch([
      { type: 'put', key: SECRET_KEY, value: secret },
      { type: 'put', key: SUMMARY_KEY, value: utf8Encode(JSON.stringify(summary)) }
    ], options.signal === undefined ? {} : { signal: options.signal })
    return summary
  }

  /** The whole invite, secrets included; a protected vault needs its passphrase. */
  async load (options: { passphrase?: string, signal?: AbortSignal } = {}): Promise<InviteFile | undefined> {
    const summary = await this.summary(options)
    const secret = await this.store.get(SECRET_KEY, options)
    if (summary === undefined || secret === undefined) return undefined
    if (!summary.protected) return parseInvite(utf8Decode(secret))
    if (options.passphrase === undefined || options.passphrase === '') throw new VaultLockedError('the key vault is protected: enter its passphrase')
    const decrypter = new Decrypter()
    decrypter.addPassphrase(options.passphrase)
    let plain: string
    try {
      plain = await decrypter.decrypt(secret, 'text')
    } catch (cause) {
      throw new VaultLockedError('wrong passphrase for the key vault', { cause })
    }
    try {
      return parseInvite(plain)
    } catch (error) {
      throw new InvalidInviteError('the key vault holds damaged data; import the invite again', { cause: error })
    }
  }

  async clear (options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.store.open(options)
    await this.store.batch([{ type: 'delete', key: SECRET_KEY }, { type: 'delete', key: SUMMARY_KEY }], options)
  }
}
