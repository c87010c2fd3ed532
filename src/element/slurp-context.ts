import { normaliseAddress } from '../address/index.ts'
import { SlurpError } from '../errors.ts'
import { h } from './dom.ts'
import type { GetResult, SlurpPeer, UpdateDetail } from '../peer.ts'

/**
 * `<slurp-context address="ucxl://…">`: shows one context item and follows
 * it. It paints the cached copy at once, then reads the relays, and repaints
 * whenever the peer sees a newer version (its own reads, another tab's write,
 * or the `refresh` interval, in seconds, default 30; 0 turns polling off).
 *
 * States are visible on the `state` attribute (loading, ready, offline,
 * not-found, access-denied, error) so host pages can style or test them.
 */
export interface SlurpContextOptions {
  /** The peer every element uses unless one is set on the element itself. */
  readonly peer?: SlurpPeer
  readonly tagName?: string
}

let defaultPeer: SlurpPeer | undefined

export function defineSlurpContext (options: SlurpContextOptions = {}): void {
  if (options.peer !== undefined) defaultPeer = options.peer
  const tagName = options.tagName ?? 'slurp-context'
  if (customElements.get(tagName) === undefined) customElements.define(tagName, class extends SlurpContextElement {})
}

export class SlurpContextElement extends HTMLElement {
  static readonly observedAttributes = ['address', 'refresh', 'as']
  private ownPeer: SlurpPeer | undefined
  private timer: ReturnType<typeof setInterval> | undefined
  private listening: SlurpPeer | undefined
  private generation = 0
  private readonly root: ShadowRoot

  constructor () {
    super()
    this.root = this.attachShadow({ mode: 'open' })
  }

  get peer (): SlurpPeer | undefined {
    return this.ownPeer ?? defaultPeer
  }

  set peer (peer: SlurpPeer | undefined) {
    this.ownPeer = peer
    if (this.isConnected) this.restart()
  }

  connectedCallback (): void {
    this.restart()
  }

  disconnectedCallback (): void {
    this.teardown()
  }

  attributeChangedCallback (): void {
    if (this.isConnected) this.restart()
  }

  /** Reads the relays now (the cached copy stays shown until they answer). */
  async refresh (): Promise<void> {
    const peer = this.peer
    const address = this.getAttribute('address')
    if (peer === undefined || address === null) return
    const generation = this.generation
    try {
      const as = this.getAttribute('as')
      const result = await peer.get(address, as === null ? {} : { as })
      if (generation === this.generation) this.show(result.offline === true ? 'offline' : 'ready', result)
    } catch (error) {
      if (generation !== this.generation) return
      const code = error instanceof SlurpError ? error.code : 'ERR_UNKNOWN'
      if (code === 'ERR_NOT_FOUND') this.message('not-found', 'Nothing is stored at this address yet.')
      else if (code === 'ERR_ACCESS_DENIED') this.message('access-denied', 'None of your roles may read this context.')
      else if (this.getAttribute('state') !== 'ready') this.message('error', (error as Error).message)
    }
  }

  private restart (): void {
    this.teardown()
    const peer = this.peer
    const address = this.getAttribute('address')
    if (address === null) return this.message('error', 'Set the address attribute to a ucxl:// address.')
    if (peer === undefined) return this.message('loading', 'Waiting for a slurp peer…')
    this.message('loading', 'Loading…')
    const generation = this.generation
    peer.cached(address).then(cached => {
      if (cached !== undefined && generation === this.generation && this.getAttribute('state') === 'loading') this.show('ready', cached)
    }).catch(() => {})
    peer.addEventListener('update', this.onUpdate)
    this.listening = peer
    this.refresh().catch(() => {})
    const seconds = Number(this.getAttribute('refresh') ?? 30)
    if (Number.isFinite(seconds) && seconds > 0) this.timer = setInterval(() => { this.refresh().catch(() => {}) }, seconds * 1000)
  }

  private teardown (): void {
    this.generation++
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
    this.listening?.removeEventListener('update', this.onUpdate)
    this.listening = undefined
  }

  private readonly onUpdate = (event: Event): void => {
    const { address, result } = (event as CustomEvent<UpdateDetail>).detail
    if (address === this.canonicalAddress()) this.show('ready', result)
  }

  private canonicalAddress (): string | undefined {
    try {
      return normaliseAddress(this.getAttribute('address') ?? '')
    } catch {
      return undefined
    }
  }

  private message (state: string, text: string): void {
    this.setAttribute('state', state)
    this.root.replaceChildren(style(), h('p', { part: 'message' }, text))
  }

  private show (state: string, result: GetResult): void {
    const { item, meta, conflicts } = result
    this.setAttribute('state', state)
    this.setAttribute('version', JSON.stringify(meta.version))
    const facts = [
      `${item.contentType} by ${item.creatorRole}`,
      `updated ${new Date(meta.updated).toLocaleString()}`,
      `${meta.replicas} replica${meta.replicas === 1 ? '' : 's'}`
    ]
    if (state === 'offline') facts.push('offline copy')
    this.root.replaceChildren(
      style(),
      h('article', { part: 'item' },
        h('h3', { part: 'summary' }, item.summary),
        item.purpose !== undefined && h('p', { part: 'purpose' }, item.purpose),
        item.body !== undefined && h('pre', { part: 'body' }, item.body),
        item.tags.length > 0 && h('p', { part: 'tags' }, ...item.tags.map(tag => h('span', { class: 'tag' }, tag))),
        conflicts.length > 0 && h('p', { part: 'conflicts', class: 'warn' }, `${conflicts.length} conflicting version${conflicts.length === 1 ? '' : 's'}: a new write resolves them`),
        h('footer', { part: 'meta' }, facts.join(' · '))
      )
    )
  }
}

function style (): HTMLStyleElement {
  const node = document.createElement('style')
  node.textContent = `
    :host { display: block; font: 14px/1.45 system-ui, sans-serif; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 14px; min-width: 0; max-width: 100%; box-sizing: border-box; overflow-wrap: anywhere; }
    /* Decrypted context is untrusted: long unbroken strings wrap inside the element instead of spilling into the host page, */
    article { min-width: 0; overflow-x: auto; }
    /* and each piece of text is its own bidi island, so a right-to-left override cannot reorder what follows it. */
    h3, p, pre, footer, .tag { unicode-bidi: isolate; }
    h3 { margin: 0 0 6px; font-size: 15px; }
    p { margin: 4px 0; }
    pre { white-space: pre-wrap; background: #f6f8fa; padding: 8px; border-radius: 6px; margin: 6px 0; }
    .tag { display: inline-block; background: #ddf4ff; border-radius: 10px; padding: 0 8px; margin-right: 4px; font-size: 12px; }
    .warn { color: #9a6700; }
    footer { color: #57606a; font-size: 12px; margin-top: 6px; }
    :host([state="access-denied"]) p, :host([state="error"]) p { color: #cf222e; }
  `
  return node
}
