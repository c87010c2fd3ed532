import { h } from '../../../src/element/dom.ts'
import { normaliseAddress, parentAddress, readersOf } from '../../../src/index.browser.ts'
import type { DecisionHit, GetResult, HistoryEntry, ReplicationStatus, ResolvedItem, Suggestion, UpdateDetail } from '../../../src/index.browser.ts'
import type { Session } from '../session.ts'
import { formatClock, formatTime } from './format.ts'
import { inheritedSection } from './inherited.ts'
import { decisionChains, decisionFields } from './decision-chain.ts'
import { historyList } from './history.ts'
import { authorCell, bodyBlock } from './author.ts'
import { setWriteBase } from './write.ts'
import { suggestionsSection } from './suggestions.ts'
import type { View } from './view.ts'
import { errorBox, field, form } from './view.ts'

interface ReadState {
  address: string
  result?: GetResult
  health?: ReplicationStatus
  /** The suggestions beside the context (their own key), when the relays gave them. */
  suggestions?: Suggestion[]
  suggestionsError?: unknown
  /** What its folders give it (their resolution), when they could be read. */
  inherited?: ResolvedItem
  /** The decisions that bear on it, when they could be read. */
  decisions?: DecisionHit[]
  /** Its versions, once asked for. */
  history?: HistoryEntry[]
}

const state: ReadState = { address: 'ucxl://project123/src/main.go' }
// The latest read wins: an older one finishing later must not replace what it shows.
let reads = 0

/**
 * Reads the relays for an address (the cached copy first, when there is one)
 * and, at the same time, the suggestions beside it. Either may fail alone:
 * suggestions where nothing else is stored still show, and a context read
 * from the cache still shows when the relays cannot list suggestions.
 */
export async function readAddress (session: Session, address: string): Promise<void> {
  const peer = session.peer
  if (peer === undefined) throw new Error('not connected yet')
  const turn = ++reads
  state.health = undefined
  state.result = undefined
  state.suggestions = undefined
  state.suggestionsError = undefined
  state.inherited = undefined
  state.decisions = undefined
  state.history = undefined
  state.address = normaliseAddress(address)
  showAddress(state.address)
  const parent = parentAddress(state.address)
  // Folders change less often than files: a level read in the last minute is not asked again.
  const folders = parent === undefined ? undefined : peer.resolve(parent, { depth: 2, maxAgeMs: 60_000 })
  const [context, suggestions, above, decisions] = await Promise.allSettled([
    peer.get(state.address), peer.suggestions(state.address), folders, peer.decisionsFor(state.address, { maxAgeMs: 60_000 })
  ])
  if (turn !== reads) return
  // Nothing readable above, and no decisions, are not errors: most addresses have neither.
  if (above.status === 'fulfilled') state.inherited = above.value?.resolved
  if (decisions.status === 'fulfilled') state.decisions = decisions.value
  if (suggestions.status === 'fulfilled') state.suggestions = suggestions.value
  else state.suggestionsError = suggestions.reason
  if (context.status === 'rejected') throw context.reason
  state.result = context.value
}

/**
 * After this tab wrote a suggestion: lists the suggestions again when the Read
 * view shows that address, so going back to it shows the new one. Failing
 * here must not fail the write: the error shows beside the list instead.
 */
export async function refreshSuggestions (session: Session, address: string): Promise<void> {
  const peer = session.peer
  if (peer === undefined || normaliseAddress(address) !== state.address) return
  const turn = reads
  try {
    const suggestions = await peer.suggestions(state.address)
    if (turn !== reads) return
    state.suggestions = suggestions
    state.suggestionsError = undefined
  } catch (error) {
    if (turn === reads) state.suggestionsError = error
  }
}

/**
 * Puts the address being read in the form's box. A read started elsewhere
 * ("Read it back", a breadcrumb, ?address=) would otherwise show the address
 * typed before: re-renders keep what a box holds as a draft (drafts.ts).
 */
function showAddress (address: string): void {
  const box = globalThis.document?.querySelector<HTMLInputElement>('form[data-form=read-form] input[name=address]')
  if (box !== null && box !== undefined) box.value = address
  // The page's URL names the address read (?address=), so it can be bookmarked and shared.
  if (globalThis.location !== undefined && globalThis.history !== undefined) {
    const url = new URL(globalThis.location.href)
    url.searchParams.set('address', address)
    globalThis.history.replaceState(globalThis.history.state, '', url)
  }
}

function codeOf (error: unknown): string | undefined {
  return (error as { code?: string } | undefined)?.code
}

/** Takes a newer version of the address on screen; says whether it was that one. */
export function showUpdate (detail: UpdateDetail): boolean {
  if (detail.address !== state.address || state.result === undefined) return false
  state.result = detail.result
  return true
}

export function readView (session: Session, view: View): HTMLElement {
  const peer = session.peer
  // No context here but suggestions: not an error, the suggestions are what is stored.
  // (Checked at render: a suggestion this tab writes later lists here without a new read.)
  const noContext = codeOf(view.error('read')) === 'ERR_NOT_FOUND' && (state.suggestions?.length ?? 0) > 0
  const error = noContext ? undefined : view.error('read')
  return h('section', { class: 'panel', 'aria-labelledby': 'read-title' },
    h('h2', { id: 'read-title' }, 'Read context'),
    form(view, 'read-form', async data => {
      const address = data.get('address') as string
      await view.run('read', async () => { await readAddress(session, address) })
    },
    h('div', { class: 'row' },
      field('Address', h('input', { name: 'address', value: state.address, required: true, spellcheck: 'false', inputmode: 'url', placeholder: 'ucxl://project/path' })),
      h('button', { type: 'submit', disabled: peer === undefined }, 'Read'))),
    breadcrumbs(session, view),
    view.busy('read') && h('p', { class: 'muted' }, 'Asking the relays…'),
    error !== undefined && accessHint(session, error),
    errorBox(error),
    state.result !== undefined && error === undefined && itemCard(session, view, state.result),
    noContext && h('p', { class: 'empty', 'data-testid': 'no-context' },
      'No context is stored at this address yet; only suggestions for it.'),
    // Shown under a context error too (one the roles cannot read, say): they are separate records.
    // Under an error, only when there are some: its box already says why the relays did not answer.
    !view.busy('read') && (error === undefined || (state.suggestions?.length ?? 0) > 0) &&
      suggestionsSection(state.suggestions, error === undefined ? state.suggestionsError : undefined, session.opened?.policy.roles)
  )
}

/** The address's parents, each one click away: context is a hierarchy. */
function breadcrumbs (session: Session, view: View): HTMLElement | undefined {
  let address: string | undefined
  try {
    address = normaliseAddress(state.address)
  } catch {
    return undefined
  }
  const chain: string[] = []
  for (let at = parentAddress(address); at !== undefined; at = parentAddress(at)) chain.unshift(at)
  if (chain.length === 0) return undefined
  return h('nav', { class: 'crumbs', 'aria-label': 'Parent addresses' }, 'Within: ',
    chain.map(parent => h('button', {
      class: 'link',
      onclick: async () => { await view.run('read', async () => { await readAddress(session, parent) }) }
    }, parent.replace(/^ucxl:\/\//, ''))))
}

function accessHint (session: Session, error: unknown): HTMLElement | undefined {
  if ((error as { code?: string }).code !== 'ERR_ACCESS_DENIED' || session.opened === undefined) return undefined
  const held = Object.keys(session.opened.file.roles)
  return h('p', { class: 'muted', 'data-testid': 'access-denied' },
    `Records are encrypted to the roles allowed to read them. You hold keys for: ${held.join(', ') || 'no role'}. Ask your admin for a role that may read this address.`)
}

function itemCard (session: Session, view: View, result: GetResult): HTMLElement {
  const { item, meta, conflicts } = result
  const policyRoles = session.opened?.policy.roles
  const open = (address: string): void => { view.run('read', async () => { await readAddress(session, address) }).catch(() => {}) }
  return h('article', { class: 'card', 'data-testid': 'item' },
    h('div', { class: 'card-head' },
      h('span', { class: `badge type-${item.contentType}` }, item.contentType),
      result.offline === true && h('span', { class: 'badge offline', 'data-testid': 'offline' }, 'offline copy'),
      conflicts.length > 0 && h('span', { class: 'badge warn' }, `${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}`)),
    h('h3', { 'data-testid': 'summary' }, item.summary),
    item.purpose !== undefined && h('p', {}, item.purpose),
    item.body !== undefined && bodyBlock(item.body),
    list('Tags', item.tags), list('Technologies', item.technologies), list('Insights', item.insights),
    inheritedSection(item, state.inherited, open),
    decisionFields(item, open),
    decisionChains(state.decisions?.filter(hit => hit.address !== item.address), open),
    h('dl', { class: 'meta' },
      h('dt', {}, 'Written as'), h('dd', {}, meta.role),
      h('dt', {}, 'Read with'), h('dd', {}, meta.readAs),
      h('dt', {}, 'Readable by'), h('dd', {}, policyRoles?.[meta.role] === undefined ? '?' : readersOf(policyRoles, meta.role).join(', ')),
      h('dt', {}, 'Version'), h('dd', { title: JSON.stringify(meta.version) }, formatClock(meta.version)),
      h('dt', {}, 'Updated'), h('dd', {}, formatTime(meta.updated)),
      h('dt', {}, 'Created'), h('dd', {}, formatTime(meta.created)),
      h('dt', {}, 'Author'), authorCell(session, meta.author),
      h('dt', {}, 'Replicas'), h('dd', {}, String(meta.replicas))),
    conflicts.length > 0 && h('div', { class: 'conflicts' },
      h('h4', {}, 'Concurrent versions'),
      h('p', { class: 'muted' }, 'Writers changed this at the same time. Every reader shows the same winner; writing a new version resolves the conflict.'),
      h('ul', {}, conflicts.map(conflict => h('li', {}, `${conflict.item?.summary ?? '(not readable with your keys)'} — ${conflict.meta.role}, ${formatTime(conflict.meta.updated)}`)))),
    h('div', { class: 'row' },
      h('button', {
        class: 'secondary',
        onclick: async () => {
          await view.run('health', async () => {
            if (session.peer !== undefined) state.health = await session.peer.replicationStatus(item.address)
          })
        }
      }, 'Check replication'),
      h('button', {
        class: 'secondary',
        onclick: async () => {
          await view.run('history', async () => {
            if (session.peer !== undefined) state.history = await session.peer.history(item.address)
          })
        }
      }, 'History'),
      h('button', {
        class: 'secondary',
        onclick: () => {
          // Starts from this version: its fields, the role it was written as, its type.
          setWriteBase(item, meta.role)
          view.go('write')
        }
      }, 'Write a new version')),
    errorBox(view.error('health')),
    state.health !== undefined && health(state.health),
    errorBox(view.error('history')),
    historyList(state.history))
}

function health (status: ReplicationStatus): HTMLElement {
  return h('div', { class: `health health-${status.health}`, 'data-testid': 'health' },
    h('strong', {}, status.health), ` — ${status.replicas} of ${status.target} relays hold it`,
    status.consistent ? ', all identical.' : ', not all identical yet (anti-entropy will converge them).',
    status.unreachable.length > 0 && ` ${status.unreachable.length} unreachable.`)
}

function list (label: string, values: readonly string[]): HTMLElement | undefined {
  if (values.length === 0) return undefined
  return h('p', { class: 'chips' }, h('span', { class: 'muted' }, `${label}: `), values.map(value => h('span', { class: 'chip' }, value)))
}
