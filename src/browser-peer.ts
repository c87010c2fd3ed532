import { isPrivateIp } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { openInvite, parseInvite } from './invite/invite.ts'
import type { InviteFile, OpenedInvite } from './invite/invite.ts'
import { SlurpPeer } from './peer.ts'
import type { PeerInit, PutOptions, PutResult } from './peer.ts'
import type { ContextDraft } from './record/context-item.ts'
import { createIdbStore } from './store/idb.ts'
import type { KVStore } from './store/types.ts'
import { bindCacheToNetwork, CACHE_STORE_NAME, DEFAULT_CACHE_DATABASE } from './browser-cache.ts'
import { browserDialable } from './net/browser-dialable.ts'
import { toBase64url } from './encoding/base64url.ts'

export interface BrowserPeerInit extends Omit<PeerInit, 'cache'> {
  /** IndexedDB database that holds the decrypted cache. Default "slurp". */
  readonly database?: string
  /**
   * Dial ws:// and private or loopback addresses (a relay on this machine or
   * LAN). Browsers' libp2p refuses them by default. Default: allowed when a
   * bootstrap address is such an address.
   */
  readonly allowInsecure?: boolean
  /** Tell other tabs of this origin about writes, so they re-read at once. Default true. */
  readonly shareBetweenTabs?: boolean
}

const CHANNEL = 'slurp-updates'

/**
 * A peer for a browser tab: decrypted reads cached in IndexedDB (readable
 * offline), kad-dht in client mode over WebSockets, and a BroadcastChannel so
 * tabs of one origin see each other's writes without waiting to poll.
 */
export class BrowserPeer extends SlurpPeer {
  private channel: BroadcastChannel | undefined
  private readonly cacheStore: KVStore

  constructor (private readonly browserInit: BrowserPeerInit) {
    const allowInsecure = browserInit.allowInsecure ?? (browserInit.bootstrap ?? []).some(isLocal)
    const cache = createIdbStore({ database: browserInit.database ?? DEFAULT_CACHE_DATABASE, storeName: CACHE_STORE_NAME })
    super({
      offlineReads: true,
      ...browserInit,
      cache,
      node: {
        ...(allowInsecure ? { connectionGater: { denyDialMultiaddr: () => false } } : {}),
        ...browserInit.node
      }
    })
    this.cacheStore = cache
  }

  override async start (options: { signal?: AbortSignal } = {}): Promise<void> {
    // Before anything reads it: what another network's peer decrypted into this database goes first.
    await bindCacheToNetwork(this.cacheStore, toBase64url(this.browserInit.network.rootPublicKey), options)
    await super.start(options)
    if (this.channel === undefined && this.browserInit.shareBetweenTabs !== false && typeof BroadcastChannel !== 'undefined') {
      this.channel = new BroadcastChannel(CHANNEL)
      this.channel.onmessage = (event: MessageEvent<{ address?: unknown }>) => {
        // The other tab wrote: the same hint a directly connected peer gives.
        if (typeof event.data?.address === 'string') this.noticed(event.data.address)
      }
    }
  }

  override async stop (): Promise<void> {
    this.channel?.close()
    this.channel = undefined
    await super.stop()
  }

  override async put (address: string, draft: ContextDraft, options: PutOptions): Promise<PutResult> {
    const result = await super.put(address, draft, options)
    this.channel?.postMessage({ address: result.address })
    return result
  }
}

export function createBrowserPeer (init: BrowserPeerInit): BrowserPeer {
  return new BrowserPeer(init)
}

/**
 * A browser peer for the member an invite describes: its JSON or base64url
 * text, the parsed file, or an invite already checked with openInvite.
 */
export async function createBrowserPeerFromInvite (invite: InviteFile | OpenedInvite | string, options: Omit<BrowserPeerInit, 'network' | 'member' | 'keyring'> = {}): Promise<BrowserPeer> {
  const opened = typeof invite === 'string' ? await openInvite(parseInvite(invite)) : 'keyring' in invite ? invite : await openInvite(invite)
  return new BrowserPeer({
    network: { rootPublicKey: opened.rootPublicKey, policy: opened.policy, signedPolicy: opened.file.policy },
    member: opened.member,
    keyring: opened.keyring,
    bootstrap: options.bootstrap ?? browserDialable(opened.bootstrap),
    ...options
  })
}

function isLocal (address: string): boolean {
  try {
    const components = multiaddr(address).getComponents()
    if (components.some(c => c.name === 'ws')) return true
    const host = components.find(c => c.name === 'ip4' || c.name === 'ip6' || c.name === 'dns' || c.name === 'dns4' || c.name === 'dns6')?.value
    return host === 'localhost' || (host !== undefined && isPrivateIp(host) === true)
  } catch {
    return false
  }
}
