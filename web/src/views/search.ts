import { h } from '../../../src/element/dom.ts'
import { CONTENT_TYPES } from '../../../src/index.browser.ts'
import type { FindQuery, FindResults, Snippet } from '../../../src/index.browser.ts'
import type { Session } from '../session.ts'
import { formatTime } from './format.ts'
import type { View } from './view.ts'
import { field, form } from './view.ts'

interface SearchState {
  query: { text: string, project: string, role: string, type: string, since: string, tags: string[] }
  results?: FindResults
  /** Reading a project's items before searching it. */
  progress?: { done: number, total: number }
  read?: number
}

const state: SearchState = { query: { text: '', project: '', role: '', type: '', since: '', tags: [] } }

/**
 * Full-text search over what this browser can read: relays cannot read
 * context, so the index lives here. With a project, its items this browser
 * has not read yet are read first (from the project's directory).
 */
export function searchView (session: Session, view: View): HTMLElement {
  const roles = Object.keys(session.opened?.policy.roles ?? {}).sort()
  const { query } = state
  const run = async (): Promise<void> => {
    const peer = session.peer
    if (peer === undefined) return
    state.read = undefined
    if (query.project !== '') {
      const followed = await peer.followProject(query.project, { onProgress: progress => { state.progress = progress } })
      state.read = followed.read
    }
    state.progress = undefined
    const find: FindQuery = {
      ...(query.text === '' ? {} : { text: query.text }),
      ...(query.project === '' ? {} : { project: query.project.replace(/^ucxl:\/\//, '').replace(/\/.*$/, '') }),
      ...(query.role === '' ? {} : { role: query.role }),
      ...(query.type === '' ? {} : { type: query.type }),
      ...(query.tags.length === 0 ? {} : { tags: query.tags }),
      ...(query.since === '' ? {} : { since: new Date(query.since).getTime() }),
      limit: 50
    }
    state.results = await peer.find(find)
  }
  const refine = (change: Partial<SearchState['query']>): void => {
    Object.assign(query, change)
    view.run('search', run).catch(() => {})
  }
  return h('section', { class: 'panel', 'aria-labelledby': 'search-title' },
    h('h2', { id: 'search-title' }, 'Search'),
    h('p', { class: 'muted' }, 'Relays cannot read context, so search runs here, over what your roles can read. Name a project to search all of it: its items this browser has not read yet are read first.'),
    form(view, 'search', async data => {
      Object.assign(query, {
        text: (data.get('text') as string).trim(),
        project: (data.get('project') as string).trim(),
        role: data.get('role') as string,
        type: data.get('type') as string,
        since: data.get('since') as string,
        tags: []
      })
      await run()
    },
    field('Text', h('input', { name: 'text', type: 'search', value: query.text, placeholder: 'words in summary, details, tags, path… (prefixes and small typos match)' })),
    h('div', { class: 'row' },
      field('Project', h('input', { name: 'project', value: query.project, placeholder: 'project123' })),
      field('Written as', h('select', { name: 'role' }, h('option', { value: '' }, 'any role'), roles.map(role => h('option', { value: role, selected: role === query.role }, role)))),
      field('Type', h('select', { name: 'type' }, h('option', { value: '' }, 'any type'), CONTENT_TYPES.map(type => h('option', { value: type, selected: type === query.type }, type)))),
      field('Updated since', h('input', { name: 'since', type: 'date', value: query.since }))),
    h('button', { type: 'submit', disabled: session.peer === undefined }, 'Search')),
    view.busy('search') && h('p', { class: 'muted', 'data-testid': 'search-progress' },
      state.progress === undefined ? 'Searching…' : `Reading ${query.project}: ${state.progress.done} of ${state.progress.total}…`),
    state.results !== undefined && !view.busy('search') && resultsSection(state.results, view, refine))
}

function resultsSection (results: FindResults, view: View, refine: (change: Partial<SearchState['query']>) => void): HTMLElement {
  const { query } = state
  return h('div', { class: 'search-results' },
    h('p', { class: 'muted', 'data-testid': 'search-total' }, `${results.total} match${results.total === 1 ? '' : 'es'}`,
      state.read !== undefined && state.read > 0 && ` (${state.read} read from the relays for this search)`,
      query.tags.length > 0 && [' · tags: ', query.tags.join(', '), ' ', h('button', { class: 'link', onclick: () => { refine({ tags: [] }) } }, 'clear')]),
    facetsRow(results, refine),
    results.hits.length === 0
      ? h('p', { class: 'empty' }, 'Nothing you can read matches.')
      : h('ul', { class: 'results', 'data-testid': 'results' }, results.hits.map(({ result, snippet }) => h('li', { 'data-address': result.item.address },
        h('button', { class: 'link', onclick: () => { view.go('read', { address: result.item.address }) } }, result.item.address),
        // Matches are marked where they were found: in the summary itself, or in a line cut from the field.
        snippet?.field === 'summary' ? snippetLine(snippet, 'summary') : h('p', {}, result.item.summary),
        snippet !== undefined && snippet.field !== 'summary' && snippetLine(snippet, 'snippet'),
        h('p', { class: 'muted' }, `${result.meta.contentType} · ${result.meta.role} · ${formatTime(result.meta.updated)}`)))))
}

/** Counts per type, role and tag over every match; a click narrows the search to one. */
function facetsRow (results: FindResults, refine: (change: Partial<SearchState['query']>) => void): HTMLElement | undefined {
  const groups: Array<[string, Readonly<Record<string, number>>, (key: string) => void]> = [
    ['Type', results.facets.type, key => { refine({ type: key }) }],
    ['Role', results.facets.role, key => { refine({ role: key }) }],
    ['Tags', results.facets.tags, key => { refine({ tags: [...state.query.tags, key] }) }]
  ]
  const shown = groups.filter(([, counts]) => Object.keys(counts).length > 0)
  if (shown.length === 0) return undefined
  return h('div', { class: 'facets', 'data-testid': 'facets' }, shown.map(([label, counts, pick]) => h('p', { class: 'chips', 'data-facet': label.toLowerCase() },
    h('span', { class: 'muted' }, `${label}: `),
    Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).slice(0, 12).map(([key, n]) =>
      h('button', { class: 'chip', onclick: () => { pick(key) } }, `${key} ${n}`)))))
}

function snippetLine (snippet: Snippet, kind: 'summary' | 'snippet'): HTMLElement {
  return h('p', { class: kind === 'snippet' ? 'snippet' : '', 'data-testid': kind, 'data-field': snippet.field },
    snippet.parts.map(part => part.match ? h('mark', {}, part.text) : part.text))
}
