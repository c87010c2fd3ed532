import { h } from '../../../src/element/dom.ts'
import { readersOf } from '../../../src/index.browser.ts'
import type { RoleTable, Suggestion } from '../../../src/index.browser.ts'
import { explain, formatTime, shortId } from './format.ts'

/**
 * The suggestions beside an address's context (peer.suggestions): they live
 * at their own key, so get() never shows them. One per author, newest first,
 * only those a held role can read. Every string in them is decrypted,
 * untrusted text: it goes in through h() as text nodes (direction overrides
 * made visible), and styles.css wraps and isolates it like the context.
 */
export function suggestionsSection (
  suggestions: readonly Suggestion[] | undefined,
  error: unknown,
  policyRoles: RoleTable | undefined
): HTMLElement | undefined {
  if (suggestions === undefined && error === undefined) return undefined
  const count = suggestions?.length ?? 0
  return h('section', { class: 'suggestions', 'aria-labelledby': 'suggestions-title', 'data-testid': 'suggestions' },
    h('h3', { id: 'suggestions-title' }, count === 0 ? 'Suggestions' : `Suggestions (${count})`),
    // Without the relays there is no list, but the context (maybe a cached copy) still shows.
    error !== undefined && h('p', { class: 'muted', 'data-testid': 'suggestions-error', 'data-code': explain(error).code },
      `Suggestions could not be fetched: ${explain(error).detail}`),
    error === undefined && count === 0 && h('p', { class: 'empty' }, 'No suggestions you can read.'),
    suggestions?.map(suggestion => suggestionCard(suggestion, policyRoles)))
}

function suggestionCard ({ item, meta }: Suggestion, policyRoles: RoleTable | undefined): HTMLElement {
  return h('article', { class: 'card suggestion', 'data-testid': 'suggestion', 'data-role': meta.role },
    h('div', { class: 'card-head' },
      h('span', { class: 'badge type-suggestion', 'data-testid': 'suggestion-badge' }, 'suggestion'),
      h('span', { class: 'muted', 'data-testid': 'suggestion-by' }, `by ${meta.role}, ${formatTime(meta.updated)}`)),
    h('h4', { 'data-testid': 'suggestion-summary' }, item.summary),
    item.purpose !== undefined && h('p', {}, item.purpose),
    item.body !== undefined && h('pre', { class: 'body', 'data-testid': 'suggestion-body' }, item.body),
    item.tags.length > 0 && h('p', { class: 'chips' }, h('span', { class: 'muted' }, 'Tags: '), item.tags.map(tag => h('span', { class: 'chip' }, tag))),
    h('dl', { class: 'meta' },
      h('dt', {}, 'Suggested as'), h('dd', {}, meta.role),
      h('dt', {}, 'Read with'), h('dd', {}, meta.readAs),
      h('dt', {}, 'Readable by'), h('dd', {}, policyRoles?.[meta.role] === undefined ? '?' : readersOf(policyRoles, meta.role).join(', ')),
      h('dt', {}, 'Updated'), h('dd', {}, formatTime(meta.updated)),
      h('dt', {}, 'Author'), h('dd', { class: 'mono', title: meta.author }, shortId(meta.author))))
}
