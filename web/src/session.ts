import {
  KeyVault, Outbox, createBrowserPeerFromInvite, createIdbStore, openInvite, parseInvite, transportOf, withIdentity, withPolicy, withoutRole
} from '../../src/index.browser.ts'
import type { BrowserPeer, InviteFile, KeysChangedDetail, OpenedInvite, QueuedWrite, VaultSummary } from '../../src/index.browser.ts'
import { clearBrowserCache } from '../../src/browser-cache.ts'
import { isSealedInvite, unsealInvite } from '../../src/invite/sealed.ts'
import { membershipChange } from '../../src/vault/membership-change.ts'
import type { MembershipChange } from '../../src/vault/membership-change.ts'
import { relaysToDial } from './bootstrap.ts'
import { takeInviteFragment } from './fragment.ts'
import { VAULT_CHANNEL } from './vault-channel.ts'

/**
 * `unseal`: a sealed invite link waits for its passphrase. `confirm-replace`:
 * an invite would replace the membership this browser holds, and waits for
 * the person to say so.
 */
export type Phase = 'starting' | 'no-keys' | 'locked' | 'unseal' | 'confirm-replace' | 'connecting' | 'connected' | 'disconnected'

/** An invite that would replace the keys held, until the person accepts or declines. */
export interface PendingReplacement {
  readonly opened: OpenedInvite
  readonly change: Exclude<MembershipChange, 'none' | 'same'>
  readonly vaultPassphrase: string | undefined
}

export interface Connection {
  readonly peerId: string
  readonly relays: number
  readonly peers: number
  readonly transports: readonly string[]
  readonly dhtMode: string
}

/**
 * The app's state: the key vault, the unlocked membership and the peer built
 * from it. Views read it and call its methods; it fires "change" whenever
 * something they show may differ.
 */
export class Session extends EventTarget {
  readonly vault = new KeyVault(createIdbStore({ database: 'slurp-keys', storeName: 'vault' }))
  /** Writes made while no relay could take them, sent when relays are back (web/src/main.ts). */
  readonly outbox = new Outbox(createIdbStore({ database: 'slurp-outbox', storeName: 'writes' }))
  /** How many writes wait in the outbox, as last counted. */
  outboxPending = 0
  phase: Phase = 'starting'
  summary: VaultSummary | undefined
  opened: OpenedInvite | undefined
  peer: BrowserPeer | undefined
  bootstrap: string[] = []
  /** Kept while unlocked, so changes to the keys are sealed again under it. */
  private passphrase: string | undefined
  connectedAt: number | undefined
  /** The last key change the mesh brought while this page was open (a rotation, a revocation): the Keys view tells the person. */
  keysChanged: { readonly from: number, readonly to: number, readonly delivered: readonly string[], readonly at: number } | undefined

  /** A sealed invite from the link, waiting for its passphrase (phase "unseal"). */
  sealed: string | undefined
  /** An invite waiting for the person to accept replacing the keys held (phase "confirm-replace"). */
  pending: PendingReplacement | undefined
  /** Set once the page was opened with an unsealed #invite= link: the browser's history holds that invite. */
  leakedLink = false
  /**
   * Tabs of this origin share one vault and one cache: when one replaces or
   * removes the keys, the others stop their peers at once (an old peer still
   * running would keep filling the cache with the old network's context) and
   * take up what the vault holds now.
   */
  private readonly tabs = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(VAULT_CHANNEL)

  constructor () {
    super()
    if (this.tabs !== undefined) {
      this.tabs.onmessage = () => {
        this.followVault().catch(() => {})
      }
    }
  }

  /** Another tab changed the vault: leave the old membership, carry on with the new one (or the unlock form). */
  private async followVault (): Promise<void> {
    const summary = await this.vault.summary()
    if (summary?.network === this.summary?.network && summary?.member === this.summary?.member && summary?.savedAt === this.summary?.savedAt) return
    await this.peer?.stop()
    this.peer = undefined
    this.opened = undefined
    this.passphrase = undefined
    this.pending = undefined
    this.summary = summary
    await this.resume()
  }

  /** Reads the vault, takes an invite from the URL fragment if there is one, and joins. */
  async init (): Promise<void> {
    this.outboxPending = (await this.outbox.pending()).length
    this.summary = await this.vault.summary()
    if (await this.followLink()) return
    await this.resume()
  }

  /**
   * Takes an invite from the page's `#invite=` fragment, if any (at load, or
   * when a link is opened in a tab already showing the app). Says whether
   * there was one. A sealed one waits for its passphrase; either kind asks
   * before replacing keys held.
   */
  async followLink (): Promise<boolean> {
    const fragment = takeInviteFragment()
    if (fragment === undefined) return false
    if (isSealedInvite(fragment)) {
      this.sealed = fragment
      this.set('unseal')
      return true
    }
    // An unsealed link: its invite is in this browser's history now, accepted or not; the app says so.
    this.leakedLink = true
    await this.offer(await openInvite(parseInvite(fragment)), undefined)
    return true
  }

  /**
   * An invite pasted or chosen as a file (plain JSON, base64url, or sealed:
   * then `invitePassphrase` opens it). Checked before anything changes, and
   * it replaces keys held only once the person confirms (confirmReplace).
   */
  async importInvite (text: string, options: { invitePassphrase?: string, vaultPassphrase?: string } = {}): Promise<void> {
    const invite = isSealedInvite(text) ? await unsealInvite(text, options.invitePassphrase ?? '') : parseInvite(text)
    await this.offer(await openInvite(invite), options.vaultPassphrase)
  }

  /** Opens the sealed invite from the link with its passphrase. */
  async unseal (invitePassphrase: string, vaultPassphrase?: string): Promise<void> {
    if (this.sealed === undefined) return
    const opened = await openInvite(await unsealInvite(this.sealed, invitePassphrase))
    this.sealed = undefined
    await this.offer(opened, vaultPassphrase)
  }

  /** Leaves the sealed link unopened and carries on with the keys held, if any. */
  async cancelUnseal (): Promise<void> {
    this.sealed = undefined
    await this.resume()
  }

  /** The person agreed: the old keys and everything they decrypted leave this browser. */
  async confirmReplace (): Promise<void> {
    const pending = this.pending
    if (pending === undefined) return
    await this.accept(pending.opened, pending.vaultPassphrase)
  }

  /** The person declined: the invite is dropped, the keys held stay. */
  async keepCurrent (): Promise<void> {
    this.pending = undefined
    await this.resume()
  }

  /** Asks before an invite replaces another membership; takes it at once otherwise. */
  private async offer (opened: OpenedInvite, vaultPassphrase: string | undefined): Promise<void> {
    // Read afresh: another tab of this origin may have changed the vault since this one looked.
    this.summary = await this.vault.summary()
    const change = membershipChange(this.summary, opened.file)
    // The link this browser already joined with: nothing to replace (a protected vault still asks for its passphrase).
    if (change === 'same') return await this.resume()
    if (change === 'none') return await this.accept(opened, vaultPassphrase)
    this.pending = { opened, change, vaultPassphrase: vaultPassphrase === '' ? undefined : vaultPassphrase }
    this.set('confirm-replace')
  }

  private async accept (opened: OpenedInvite, vaultPassphrase: string | undefined): Promise<void> {
    const change = membershipChange(await this.vault.summary(), opened.file)
    await this.peer?.stop()
    this.peer = undefined
    this.opened = undefined
    // Whatever the old membership decrypted goes, whether or not its peer ever ran in this tab.
    if (change !== 'same') await clearBrowserCache()
    this.passphrase = vaultPassphrase === '' ? undefined : vaultPassphrase
    this.summary = await this.vault.save(opened.file, this.passphrase === undefined ? {} : { passphrase: this.passphrase })
    this.pending = undefined
    this.tabs?.postMessage({ changed: 'membership' })
    await this.use(opened)
  }

  /** Carries on with what the vault holds: the running peer, the unlock form, or the keys it holds. */
  private async resume (): Promise<void> {
    if (this.peer !== undefined && this.opened !== undefined) {
      this.set(this.peer.status().connections > 0 ? 'connected' : 'disconnected')
      return
    }
    this.summary = await this.vault.summary()
    if (this.summary === undefined) return this.set('no-keys')
    if (this.summary.protected && this.passphrase === undefined) return this.set('locked')
    await this.use(await this.vault.load(this.passphrase === undefined ? {} : { passphrase: this.passphrase }))
  }

  async unlock (passphrase: string): Promise<void> {
    const invite = await this.vault.load({ passphrase })
    this.passphrase = passphrase
    await this.use(invite)
  }

  /** Seals the keys under a new passphrase, or stores them open with none. */
  async setPassphrase (passphrase: string | undefined): Promise<void> {
    if (this.opened === undefined) return
    this.passphrase = passphrase === '' ? undefined : passphrase
    this.summary = await this.vault.save(this.opened.file, this.passphrase === undefined ? {} : { passphrase: this.passphrase })
    this.changed()
  }

  async addIdentity (role: string, identity: string): Promise<void> {
    if (this.opened === undefined) return
    await this.replace(await withIdentity(this.opened.file, role, identity))
  }

  async removeRole (role: string): Promise<void> {
    if (this.opened === undefined) return
    await this.replace(withoutRole(this.opened.file, role))
    // What that key decrypted leaves this device with it.
    await this.peer?.forget({ readAs: role })
  }

  /** Forgets keys and cached context, and leaves the mesh. */
  async signOut (): Promise<void> {
    await this.peer?.forget()
    await this.peer?.stop()
    this.peer = undefined
    this.opened = undefined
    this.passphrase = undefined
    await this.vault.clear()
    // Also what an earlier membership left, should its peer never have run in this tab.
    await clearBrowserCache()
    this.summary = undefined
    this.leakedLink = false
    this.tabs?.postMessage({ changed: 'removed' })
    this.set('no-keys')
  }

  connection (): Connection | undefined {
    const peer = this.peer
    if (peer === undefined || this.phase === 'connecting') return undefined
    const status = peer.status()
    const connections = peer.libp2p.getConnections()
    const links = connections.map(c => ({ peer: c.remotePeer.toString(), transport: transportOf(c.remoteAddr.toString()) }))
    // Relays are reached directly over ws/wss/webtransport; other tabs through a relay or over WebRTC.
    const relayIds = new Set(links.filter(link => link.transport !== 'circuit-relay' && link.transport !== 'webrtc').map(link => link.peer))
    return {
      peerId: status.peerId,
      relays: relayIds.size,
      peers: new Set(links.map(link => link.peer).filter(id => !relayIds.has(id))).size,
      transports: [...new Set(links.map(link => link.transport))].sort(),
      dhtMode: status.dhtMode
    }
  }

  private async replace (invite: InviteFile): Promise<void> {
    const opened = await openInvite(invite)
    this.summary = await this.vault.save(invite, this.passphrase === undefined ? {} : { passphrase: this.passphrase })
    await this.use(opened)
  }

  /** Builds the peer for a membership: each invite is checked once (openInvite), here or by the caller. */
  private async use (invite: InviteFile | OpenedInvite | undefined): Promise<void> {
    if (invite === undefined) return this.set('no-keys')
    await this.peer?.stop()
    this.peer = undefined
    const opened = 'keyring' in invite ? invite : await openInvite(invite)
    this.opened = opened
    this.set('connecting')
    this.bootstrap = await relaysToDial(opened.bootstrap)
    const peer = await createBrowserPeerFromInvite(opened, { bootstrap: this.bootstrap })
    this.peer = peer
    peer.addEventListener('update', event => { this.dispatchEvent(new CustomEvent('update', { detail: (event as CustomEvent).detail })) })
    peer.addEventListener('keys', event => { this.keysArrived((event as CustomEvent<KeysChangedDetail>).detail).catch(() => {}) })
    await peer.start({ signal: AbortSignal.timeout(10_000) }).catch(() => {})
    this.connectedAt = performance.now()
    this.set(peer.status().connections > 0 ? 'connected' : 'disconnected')
  }

  /**
   * A newer root-signed policy reached this tab's peer, which already took its
   * keys (a key bundle for this member, new reader keys): keep the policy in
   * the vault, so the next visit starts from it and opens the bundle again.
   */
  private async keysArrived (detail: KeysChangedDetail): Promise<void> {
    const opened = this.opened
    if (opened === undefined || detail.version <= opened.policy.version) return
    let file = withPolicy(opened.file, detail.signed)
    // Bundle keys are kept beside the invite's, newest first: the Keys view lists them, and Export gives them.
    for (const { role, identity } of [...detail.deliveredKeys].reverse()) file = await withIdentity(file, role, identity)
    this.opened = { ...opened, file, policy: detail.signed.policy }
    this.keysChanged = { from: detail.previousVersion, to: detail.version, delivered: detail.delivered, at: Date.now() }
    this.summary = await this.vault.save(file, this.passphrase === undefined ? {} : { passphrase: this.passphrase })
    this.changed()
  }

  /** Called by the status poll: the peer redials relays by itself, this only reports it. */
  /** Sends what waits in the outbox when connected; says whether anything changed. */
  async flushOutbox (): Promise<{ sent: number, failed: Array<{ write: QueuedWrite, error: unknown }> } | undefined> {
    if (this.peer === undefined || this.phase !== 'connected' || this.outboxPending === 0) return undefined
    const round = await this.outbox.send(this.peer)
    this.outboxPending = (await this.outbox.pending()).length
    return round
  }

  refreshPhase (): void {
    if (this.peer === undefined || (this.phase !== 'connected' && this.phase !== 'disconnected')) return
    const next = this.peer.status().connections > 0 ? 'connected' : 'disconnected'
    if (next !== this.phase) this.set(next)
  }

  private set (phase: Phase): void {
    this.phase = phase
    this.changed()
  }

  changed (): void {
    this.dispatchEvent(new Event('change'))
  }
}
