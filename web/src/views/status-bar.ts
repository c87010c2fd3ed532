import { h } from '../../../src/element/dom.ts'
import type { Session } from '../session.ts'
import { shortId } from './format.ts'

const PHASE_TEXT: Record<string, string> = {
  starting: 'Starting…',
  'no-keys': 'No keys yet',
  locked: 'Locked',
  unseal: 'Sealed invite',
  'confirm-replace': 'Replace keys?',
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'No relay reachable — retrying'
}

/** The header: who this tab is and how it is connected. */
export function statusBar (session: Session): HTMLElement {
  const connection = session.connection()
  const label = session.summary?.label
  return h('header', { class: 'topbar' },
    h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '◆'), 'slurp',
      label !== undefined && h('span', { class: 'who' }, label)),
    h('div', { class: `conn conn-${session.phase}`, 'data-testid': 'connection', 'data-phase': session.phase, role: 'status' },
      h('span', { class: 'dot', 'aria-hidden': 'true' }),
      h('strong', {}, PHASE_TEXT[session.phase] ?? session.phase),
      connection !== undefined && [
        h('span', { 'data-testid': 'relay-count' }, `${connection.relays} relay${connection.relays === 1 ? '' : 's'}`),
        h('span', {}, `${connection.peers} peer${connection.peers === 1 ? '' : 's'}`),
        h('span', {}, connection.transports.join(', ') || '—'),
        h('span', {}, `DHT ${connection.dhtMode}`),
        h('span', { class: 'muted', title: connection.peerId }, shortId(connection.peerId))
      ])
  )
}
