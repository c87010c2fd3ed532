import { h } from '../../../src/element/dom.ts'
import type { HistoryEntry } from '../../../src/index.browser.ts'
import { formatClock, formatTime } from './format.ts'

/** An address's versions, newest first (peer.history): what changed, when, and written as which role. */
export function historyList (entries: readonly HistoryEntry[] | undefined): HTMLElement | undefined {
  if (entries === undefined) return undefined
  return h('section', { class: 'history', 'data-testid': 'history' },
    h('h4', {}, `History: ${entries.length} version${entries.length === 1 ? '' : 's'}`),
    h('ol', {}, entries.map(entry => h('li', { 'data-current': String(entry.current) },
      h('span', { class: 'muted' }, `${formatTime(entry.meta.updated)} · ${entry.meta.role} · ${formatClock(entry.meta.version)}`),
      entry.current && h('span', { class: 'badge' }, 'current'),
      h('div', {}, entry.item?.summary ?? h('em', { class: 'muted' }, 'not readable with your keys'))))))
}
