import type { Libp2p, PeerId } from '@libp2p/interface'
import type { RoleKeyring } from '../crypto/keyring.ts'
import { unlockPolicyKeys } from '../keys/unlock.ts'
import type { UnlockedKeys } from '../keys/unlock.ts'
import { exchangePolicy, servePolicy, spreadPolicy } from '../net/policy-exchange.ts'
import { PolicyBook } from '../trust/policy-book.ts'
import type { PolicyChange } from '../trust/policy-book.ts'
import type { Policy, SignedPolicy } from '../trust/policy.ts'

const NOTHING: UnlockedKeys = { delivered: [], deliveredKeys: [], readerKeys: 0 }

/** Fired by the peer (CustomEvent named "keys") when a newer policy arrived and the keyring was brought up to it. */
export interface KeysChangedDetail {
  readonly version: number
  readonly previousVersion: number
  /** Roles whose new identities arrived in this member's key bundle. */
  readonly delivered: readonly string[]
  /** Those identities (secret: for the member's own key store, e.g. a browser vault). */
  readonly deliveredKeys: ReadonlyArray<{ readonly role: string, readonly identity: string }>
  readonly signed: SignedPolicy
}

/** One reader set's key as this peer sees it (the web app's Keys view). */
export interface ReaderKeyStatus {
  readonly roles: readonly string[]
  readonly epoch: number
  /** Whether a held role unsealed it: records written to this set are readable here. */
  readonly held: boolean
}

/**
 * A peer's policy and keys over time: the newest verified policy (spread
 * through the mesh), and the keyring kept up to it (key bundle, reader keys).
 */
export class PeerKeys {
  readonly book: PolicyBook
  private stopSpreading: (() => void) | undefined
  // Never rejects: a key bundle or reader key that cannot be opened leaves what it would have added unreadable, nothing more.
  private unlocking: Promise<UnlockedKeys> = Promise.resolve(NOTHING)

  constructor (
    rootPublicKey: Uint8Array,
    initial: { readonly policy: Policy, readonly signed?: SignedPolicy },
    private readonly keyring: RoleKeyring,
    private readonly member: { readonly id: string, readonly identity: string } | undefined,
    private readonly onChanged: (detail: KeysChangedDetail) => void
  ) {
    this.book = new PolicyBook(rootPublicKey, initial)
    this.book.addEventListener('change', event => { this.changed((event as CustomEvent<PolicyChange>).detail) })
  }

  get policy (): Policy {
    return this.book.policy
  }

  /** Unseals what the initial policy holds for this keyring, and serves the policy protocol. */
  async start (node: Libp2p): Promise<void> {
    this.unlocking = unlockPolicyKeys(this.book.policy, this.keyring, this.member).catch(() => NOTHING)
    await this.unlocking
    await servePolicy(node, this.book)
    this.stopSpreading = spreadPolicy(node, this.book)
  }

  stop (): void {
    this.stopSpreading?.()
    this.stopSpreading = undefined
  }

  /**
   * Compares policies with these peers now (bounded), so a write right after
   * start is encrypted and judged under the newest policy they know.
   */
  async catchUp (node: Libp2p, peers: readonly PeerId[], signal?: AbortSignal): Promise<void> {
    const bounded = AbortSignal.any([AbortSignal.timeout(2000), ...(signal === undefined ? [] : [signal])])
    await Promise.all(peers.map(async peer => await exchangePolicy(node, peer, this.book, { signal: bounded }).catch(() => {})))
    await this.unlocking
  }

  /** Exchanges policies with each of `peers` now; returns how many hold this peer's version (or a newer one) afterwards. */
  async publish (node: Libp2p, peers: readonly PeerId[], signal?: AbortSignal): Promise<number> {
    const versions = await Promise.all(peers.map(async peer => await exchangePolicy(node, peer, this.book, signal === undefined ? {} : { signal }).catch(() => 0)))
    return versions.filter(version => version >= this.book.version).length
  }

  /** Resolves once the keyring is up to the newest policy taken so far. */
  async ready (): Promise<void> {
    await this.unlocking
  }

  readerKeys (): ReaderKeyStatus[] {
    return (this.book.policy.readerKeys ?? []).map(entry => ({ roles: entry.roles, epoch: entry.epoch, held: this.keyring.holds(entry.recipient) }))
  }

  private changed (change: PolicyChange): void {
    const after = this.unlocking.then(async () => await unlockPolicyKeys(change.policy, this.keyring, this.member))
    this.unlocking = after.catch(() => NOTHING)
    after.then(unlocked => {
      this.onChanged({ version: change.policy.version, previousVersion: change.previous.version, delivered: unlocked.delivered, deliveredKeys: unlocked.deliveredKeys, signed: change.signed })
    }, () => {})
  }
}
