import {
  KeyVault, createBrowserPeerFromInvite, createIdbStore, openInvite, parseInvite, transportOf, withIdentity, withoutRole
} from '../../src/index.browser.ts'
import type { BrowserPeer, InviteFile, OpenedInvite, VaultSummary } from '../../src/index.browser.ts'
import { bootstrapFromOrigin, bootstrapFromUrl } from './bootstrap.ts'

export type Phase = 'starting' | 'no-keys' | 'locked' | 'connecting' | 'connected' | 'disconnected'

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
  phase: Phase = 'starting'
  summary: VaultSummary | undefined
  opened: OpenedInvite | undefined
  peer: BrowserPeer | undefined
  bootstrap: string[] = []
  /** Kept while unlocked, so changes to the keys are sealed again under it. */
  private passphrase: string | undefined
  connectedAt: number | undefined

  /** Reads the vault, takes an invite from the URL fragment if there is one, and joins. */
  async init (): Promise<void> {
    const fragment = new URLSearchParams(location.hash.slice(1)).get('invite')
    if (fragment !== null) {
      // Out of the address bar and history at once: it carries secrets.
      history.replaceState(null, '', location.pathname + location.search)
      const summary = await this.vault.summary()
      if (summary === undefined || !summary.protected) {
        await this.importInvite(fragment)
        return
      }
    }
    this.summary = await this.vault.summary()
    if (this.summary === undefined) return this.set('no-keys')
    if (this.summary.protected) return this.set('locked')
    await this.use(await this.vault.load())
  }

  async importInvite (text: string, passphrase?: string): Promise<void> {
    // Checked before it replaces anything: a bad invite leaves the vault as it was.
    const opened = await openInvite(parseInvite(text))
    this.passphrase = passphrase === '' ? undefined : passphrase
    this.summary = await this.vault.save(opened.file, this.passphrase === undefined ? {} : { passphrase: this.passphrase })
    await this.peer?.forget()
    await this.use(opened)
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
    this.summary = undefined
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
    const fromPage = await bootstrapFromOrigin()
    this.bootstrap = bootstrapFromUrl().length > 0 ? fromPage : [...new Set([...fromPage, ...opened.bootstrap])]
    const peer = await createBrowserPeerFromInvite(opened, { bootstrap: this.bootstrap })
    this.peer = peer
    peer.addEventListener('update', event => { this.dispatchEvent(new CustomEvent('update', { detail: (event as CustomEvent).detail })) })
    await peer.start({ signal: AbortSignal.timeout(10_000) }).catch(() => {})
    this.connectedAt = performance.now()
    this.set(peer.status().connections > 0 ? 'connected' : 'disconnected')
  }

  /** Called by the status poll: the peer redials relays by itself, this only reports it. */
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
