import { h } from '../../../src/element/dom.ts'
import type { Session } from '../session.ts'
import { shortId } from './format.ts'
import { markdownView } from './markdown-view.ts'

/**
 * Who wrote a version: "you" and this browser's member label when it is this
 * member, else a short form of the key (member labels are not in
 * certificates, so other members' names are not known here).
 */
export function authorCell (session: Session, author: string): HTMLElement {
  const own = session.summary?.member === author
  return h('dd', { class: own ? '' : 'mono', title: author, 'data-testid': 'author' },
    own ? `you${session.summary?.label === undefined ? '' : ` (${session.summary.label})`}` : shortId(author))
}

const FOLDED_LINES = 12

/** A body, rendered as Markdown; a long one shows its first lines and folds the rest behind "Show all". */
export function bodyBlock (body: string): HTMLElement {
  const lines = body.split('\n')
  if (lines.length <= FOLDED_LINES + 3 && body.length <= 2000) return markdownView(body)
  const head = lines.slice(0, FOLDED_LINES).join('\n').slice(0, 1500)
  return h('div', { class: 'body-folded', 'data-testid': 'folded-body' },
    markdownView(`${head}…`),
    h('details', {}, h('summary', {}, `Show all ${lines.length} lines`), markdownView(body)))
}
