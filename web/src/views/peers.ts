import { h } from '../../../src/element/dom.ts'
import type { PeerLink } from '../../../src/index.browser.ts'
import type { Session } from '../session.ts'
import { shortId } from './format.ts'
import type { View } from './view.ts'
import { field, form } from './view.ts'

let lastLinks: PeerLink[] | undefined

/**
 * Direct connections to other people's tabs: share this tab's address, paste
 * theirs, and the relay carries the WebRTC handshake. Connected tabs see each
 * other's writes at once (the relays still serve and check every byte).
 */
export function peersView (session: Session, view: View): HTMLElement {
  const peer = session.peer
  if (peer === undefined) return h('section', { class: 'panel' }, h('p', {}, 'Connect to a relay first.'))
  const own = shareable(peer.addresses())
  // The last list shows at once (this view re-renders every second); the fresh one replaces it.
  const list = h('div', { class: 'table-wrap', 'data-testid': 'peer-list' }, lastLinks === undefined ? h('p', { class: 'muted' }, 'Looking…') : peerTable(lastLinks))
  peer.peers().then(links => {
    lastLinks = links
    list.replaceChildren(peerTable(links))
  }).catch(() => {})
  return h('section', { class: 'panel', 'aria-labelledby': 'peers-title' },
    h('h2', { id: 'peers-title' }, 'Peers'),
    h('p', { class: 'muted' }, 'Connect this tab straight to a colleague’s: you see each other’s writes the moment they land. Context still comes from the relays, encrypted and checked.'),
    h('h3', {}, 'Your address'),
    own === undefined
      ? h('p', { class: 'muted', 'data-testid': 'own-address-pending' }, 'Waiting for a relay to reserve a slot for this tab…')
      : h('div', { class: 'row' },
        h('input', { readonly: true, value: own, 'data-testid': 'own-address', 'aria-label': 'Your peer address', spellcheck: 'false' }),
        h('button', { type: 'button', onclick: async () => { await navigator.clipboard?.writeText(own) } }, 'Copy')),
    h('h3', {}, 'Connect to a peer'),
    form(view, 'connect-peer', async data => {
      await peer.connect(data.get('address') as string)
    },
    h('div', { class: 'row' },
      field('Their address', h('input', { name: 'address', required: true, spellcheck: 'false', placeholder: '/ip4/…/p2p-circuit/webrtc/p2p/12D3…' })),
      h('button', { type: 'submit' }, view.busy('connect-peer') ? 'Connecting…' : 'Connect'))),
    h('h3', {}, 'Connected peers'),
    list)
}

/** A WebRTC address when the tab has one (a direct connection), else a relayed one. */
function shareable (addresses: readonly string[]): string | undefined {
  return addresses.find(a => a.includes('/webrtc')) ?? addresses.find(a => a.includes('/p2p-circuit'))
}

function peerTable (links: readonly PeerLink[]): HTMLElement {
  if (links.length === 0) return h('p', { class: 'muted' }, 'None yet.')
  return h('table', {},
    h('thead', {}, h('tr', {}, h('th', {}, 'Peer'), h('th', {}, 'Transport'), h('th', {}, 'Path'))),
    h('tbody', {}, links.map(link => h('tr', { 'data-peer': link.peerId, 'data-transport': link.transport },
      h('td', { title: link.peerId }, shortId(link.peerId)),
      h('td', {}, link.transport),
      h('td', {}, link.direct ? 'direct' : 'through a relay')))))
}
