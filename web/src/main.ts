import { h } from '../../src/element/dom.ts'
import { Session } from './session.ts'
import { keysView } from './views/keys.ts'
import type { UpdateDetail } from '../../src/index.browser.ts'
import { readAddress, readView, showUpdate } from './views/read.ts'
import { peersView } from './views/peers.ts'
import { searchView } from './views/search.ts'
import { statusBar } from './views/status-bar.ts'
import { browseView } from './views/browse.ts'
import type { Tab, View } from './views/view.ts'
import { errorBox } from './views/view.ts'
import { restoreDrafts, saveDrafts } from './views/drafts.ts'
import { setWriteAddress, writeView } from './views/write.ts'

const root = document.getElementById('app') as HTMLElement
const session = new Session()
const errors = new Map<string, unknown>()
const running = new Set<string>()
let tab: Tab = 'read'
let startError: unknown

const VIEWS = { read: readView, browse: browseView, write: writeView, search: searchView, peers: peersView, keys: keysView }
const TABS: Array<[Tab, string]> = [['read', 'Read'], ['browse', 'Browse'], ['write', 'Write'], ['search', 'Search'], ['peers', 'Peers'], ['keys', 'Keys']]

const view: View = {
  go (next, params = {}) {
    tab = next
    if (params.address !== undefined) {
      if (next === 'write') setWriteAddress(params.address)
      if (next === 'read') view.run('read', async () => { await readAddress(session, params.address as string) }).catch(() => {})
    }
    render()
  },
  async run (slot, action) {
    errors.delete(slot)
    running.add(slot)
    render()
    let succeeded = false
    try {
      await action()
      succeeded = true
    } catch (error) {
      errors.set(slot, error)
    } finally {
      running.delete(slot)
      // A form that did its work starts empty again; one that failed keeps what was typed.
      render(succeeded ? new Set([slot]) : undefined)
    }
  },
  error: slot => errors.get(slot),
  busy: slot => running.has(slot)
}

function render (cleared?: ReadonlySet<string>): void {
  const drafts = saveDrafts(root)
  const needsKeys = session.phase === 'no-keys' || session.phase === 'locked' || session.phase === 'unseal' || session.phase === 'confirm-replace'
  const current: Tab = needsKeys ? 'keys' : tab
  root.replaceChildren(
    statusBar(session),
    h('div', { class: 'layout' },
      !needsKeys && h('nav', { class: 'tabs', 'aria-label': 'Sections' },
        TABS.map(([id, label]) => h('button', { class: id === current ? 'tab active' : 'tab', 'aria-current': id === current ? 'page' : undefined, 'data-tab': id, onclick: () => { view.go(id) } }, label))),
      h('main', { id: 'main' },
        errorBox(startError),
        session.leakedLink && !needsKeys && leakedLinkNote(),
        session.phase === 'starting' ? h('p', { class: 'muted' }, 'Opening your keys…') : VIEWS[current](session, view))))
  restoreDrafts(root, drafts, cleared)
}

/** An unsealed invite link stays in the browser's history files: say so, and what to do. */
function leakedLinkNote (): HTMLElement {
  return h('div', { class: 'note warn', role: 'note', 'data-testid': 'leaked-link' },
    h('strong', {}, 'This tab was opened with an unsealed invite link. '),
    'Browsers keep every opened link, fragment included, in their history files, so the keys in it are there now. Delete this page from your history (Ctrl+H), and ask your admin for sealed links (slurp invite --url) or invite files. ',
    h('button', { class: 'link', onclick: () => { session.leakedLink = false; render() } }, 'Dismiss'))
}

session.addEventListener('change', () => { render() })
// A newer version arrived (another tab wrote, or a re-read found one): only the read tab shows it.
session.addEventListener('update', event => {
  if (showUpdate((event as CustomEvent<UpdateDetail>).detail) && tab === 'read' && running.size === 0) render()
})
// The header follows the connection; re-rendering the rest would wipe what the user is typing.
// Writes queued while no relay could take them go out once one is back.
let outboxTicks = 0
setInterval(() => {
  session.refreshPhase()
  if (++outboxTicks % 3 === 0) {
    session.flushOutbox().then(round => { if (round !== undefined && (round.sent > 0 || round.failed.length > 0) && running.size === 0) render() }).catch(() => {})
  }
  root.querySelector('header')?.replaceWith(statusBar(session))
  // The peers tab lists live connections and this tab's address, which arrives with a relay's reservation.
  if (tab === 'peers' && running.size === 0) render()
}, 1000)

const address = new URLSearchParams(location.search).get('address')
render()
session.init().then(() => {
  if (address !== null && session.peer !== undefined) view.go('read', { address })
}).catch(error => {
  startError = error
  render()
})

// A link opened in a tab that already shows the app changes only the fragment: no reload, so look here.
window.addEventListener('hashchange', () => {
  session.followLink().catch(error => {
    startError = error
    render()
  })
})

// For the browser console and the benchmarks (bench/web): the page's own state, nothing more than its scripts can reach anyway.
Object.assign(globalThis, { slurp: session })
