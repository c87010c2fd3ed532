import { h } from '../../../src/element/dom.ts'
import { CONTENT_TYPES } from '../../../src/index.browser.ts'
import type { ContentType, GetResult, SearchQuery } from '../../../src/index.browser.ts'
import type { Session } from '../session.ts'
import { formatTime } from './format.ts'
import type { View } from './view.ts'
import { field, form } from './view.ts'

let results: GetResult[] | undefined

/** Searches what this browser has decrypted: nothing else is readable here. */
export function searchView (session: Session, view: View): HTMLElement {
  const roles = Object.keys(session.opened?.policy.roles ?? {}).sort()
  return h('section', { class: 'panel', 'aria-labelledby': 'search-title' },
    h('h2', { id: 'search-title' }, 'Search what you have read'),
    h('p', { class: 'muted' }, 'Relays cannot read context, so search runs here, over what this browser decrypted and cached.'),
    form(view, 'search', async data => {
      if (session.peer === undefined) return
      const text = (data.get('text') as string).trim()
      const project = (data.get('project') as string).trim()
      const role = data.get('role') as string
      const type = data.get('type') as string
      const since = data.get('since') as string
      const query: SearchQuery = {
        ...(text === '' ? {} : { text }),
        ...(project === '' ? {} : { project }),
        ...(role === '' ? {} : { role }),
        ...(type === '' ? {} : { type: type as ContentType }),
        ...(since === '' ? {} : { since: new Date(since).getTime() })
      }
      results = await session.peer.search(query)
    },
    field('Text', h('input', { name: 'text', type: 'search', placeholder: 'words in summary, details, tags…' })),
    h('div', { class: 'row' },
      field('Project', h('input', { name: 'project', placeholder: 'project123' })),
      field('Written as', h('select', { name: 'role' }, h('option', { value: '' }, 'any role'), roles.map(role => h('option', { value: role }, role)))),
      field('Type', h('select', { name: 'type' }, h('option', { value: '' }, 'any type'), CONTENT_TYPES.map(type => h('option', { value: type }, type)))),
      field('Updated since', h('input', { name: 'since', type: 'date' }))),
    h('button', { type: 'submit' }, 'Search')),
    results !== undefined && (results.length === 0
      ? h('p', { class: 'empty' }, 'Nothing you have read matches. Read an address first; it is then searchable here, offline too.')
      : h('ul', { class: 'results', 'data-testid': 'results' }, results.map(result => h('li', {},
        h('button', { class: 'link', onclick: () => { view.go('read', { address: result.item.address }) } }, result.item.address),
        h('p', {}, result.item.summary),
        h('p', { class: 'muted' }, `${result.meta.contentType} · ${result.meta.role} · ${formatTime(result.meta.updated)}`))))))
}
