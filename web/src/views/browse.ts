import { h } from '../../../src/element/dom.ts'
import type { DirectoryEntry, Listing } from '../../../src/index.browser.ts'
import type { Session } from '../session.ts'
import type { View } from './view.ts'
import { errorBox, field, form } from './view.ts'

let listing: Listing | undefined
let project = ''

/** A folder of the tree: its entries (files) and subfolders, by segment. */
interface Folder { readonly name: string, readonly entries: DirectoryEntry[], readonly folders: Map<string, Folder>, self?: DirectoryEntry }

/**
 * Every address of a project that this browser's roles can read, as a tree:
 * read from the project's encrypted directory, so it works on a fresh device.
 */
export function browseView (session: Session, view: View): HTMLElement {
  return h('section', { class: 'panel', 'aria-labelledby': 'browse-title' },
    h('h2', { id: 'browse-title' }, 'Browse a project'),
    h('p', { class: 'muted' }, 'Every address your roles can read, from the project\'s encrypted directory: relays never see the addresses.'),
    form(view, 'browse', async data => {
      if (session.peer === undefined) return
      project = (data.get('project') as string).trim()
      const prefix = (data.get('prefix') as string).trim()
      listing = await session.peer.list(project, prefix === '' ? {} : { prefix })
    },
    h('div', { class: 'row' },
      field('Project', h('input', { name: 'project', required: true, value: project, placeholder: 'project123', spellcheck: 'false' })),
      field('Under path', h('input', { name: 'prefix', placeholder: 'src/net (optional)', spellcheck: 'false' }))),
    h('button', { type: 'submit', disabled: session.peer === undefined }, 'List')),
    view.busy('browse') && h('p', { class: 'muted' }, 'Reading the directory…'),
    errorBox(view.error('browse')),
    listing !== undefined && listingTree(listing, view))
}

function listingTree (shown: Listing, view: View): HTMLElement {
  if (shown.entries.length === 0) return h('p', { class: 'empty', 'data-testid': 'browse-empty' }, `Nothing in ${shown.project} that your roles can read.`)
  const root: Folder = { name: shown.project, entries: [], folders: new Map() }
  for (const entry of shown.entries) {
    const path = entry.address.slice(entry.address.indexOf('/', 'ucxl://'.length) + 1).split('/')
    let folder = root
    for (const segment of path.slice(0, -1)) {
      let next = folder.folders.get(segment)
      if (next === undefined) {
        next = { name: segment, entries: [], folders: new Map() }
        folder.folders.set(segment, next)
      }
      folder = next
    }
    folder.entries.push(entry)
  }
  // An address that is also a folder (ucxl://p/docs beside ucxl://p/docs/x) shows on the folder's line.
  const lift = (folder: Folder): void => {
    for (const sub of folder.folders.values()) {
      const index = folder.entries.findIndex(entry => entry.address.split('/').at(-1) === sub.name)
      if (index !== -1) sub.self = folder.entries.splice(index, 1)[0]
      lift(sub)
    }
  }
  lift(root)
  return h('div', { 'data-testid': 'browse-tree' },
    h('p', { class: 'muted' }, `${shown.entries.length} address${shown.entries.length === 1 ? '' : 'es'} in ${shown.project}`,
      shown.unreachable > 0 && ` — ${shown.unreachable} directory records could not be read; the list may be incomplete`),
    h('ul', { class: 'tree' }, folderItems(root, view)))
}

function folderItems (folder: Folder, view: View): HTMLElement[] {
  return [
    ...[...folder.folders.values()].sort((a, b) => a.name.localeCompare(b.name)).map(sub => h('li', {},
      h('details', { open: true },
        h('summary', { class: 'folder' }, `${sub.name}/`, sub.self !== undefined && h('span', { 'data-address': sub.self.address }, ' ', entryLink(sub.self, 'context here', view))),
        h('ul', { class: 'tree' }, folderItems(sub, view))))),
    ...folder.entries.map(entry => h('li', { 'data-address': entry.address }, entryLink(entry, entry.address.split('/').at(-1) || entry.address, view)))
  ]
}

function entryLink (entry: DirectoryEntry, label: string, view: View): Array<HTMLElement | string> {
  return [
    h('button', { class: 'link', title: entry.address, onclick: () => { view.go('read', { address: entry.address }) } }, label),
    ' ', h('span', { class: `badge type-${entry.type}` }, entry.type),
    h('span', { class: 'muted' }, ` ${entry.roles.join(', ')}`)
  ]
}
