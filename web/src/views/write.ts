import { h } from '../../../src/element/dom.ts'
import { CONTENT_TYPES, Outbox, mayWrite, readersOf } from '../../../src/index.browser.ts'
import type { ContentType, ContextDraft, ContextItem, Policy, PutResult } from '../../../src/index.browser.ts'
import type { Session } from '../session.ts'
import { refreshSuggestions } from './read.ts'
import type { View } from './view.ts'
import { field, form } from './view.ts'

let last: (PutResult & { type: ContentType }) | undefined
/** The last write went to the outbox: no relay could take it. */
let queued: string | undefined
let draftAddress = 'ucxl://project123/src/main.go'
/** The version a new one starts from ("Write a new version"): its fields fill the form, and what the form has no box for is kept. */
let base: { item: ContextItem, role: string } | undefined

export function setWriteAddress (address: string): void {
  draftAddress = address
  base = undefined
}

/** Starts the form from an item read: its fields, its role and its type. */
export function setWriteBase (item: ContextItem, role: string): void {
  draftAddress = item.address
  base = { item, role }
}

/** The content types `role` may write under the policy. */
function typesFor (policy: Policy, role: string): ContentType[] {
  const authority = policy.roles[role]?.authority
  return authority === undefined ? [] : CONTENT_TYPES.filter(type => mayWrite(policy.writeRules, authority, type))
}

/** Write context, a decision or a suggestion as one of the roles this member is certified for. */
export function writeView (session: Session, view: View): HTMLElement {
  const opened = session.opened
  if (opened === undefined) return h('section', { class: 'panel' }, h('p', {}, 'Import an invite first.'))
  const roles = opened.member.certificate.roles.filter(role => opened.policy.roles[role] !== undefined)
  const writable = roles.filter(role => CONTENT_TYPES.some(type => mayWrite(opened.policy.writeRules, opened.policy.roles[role]!.authority, type)))
  const readersNote = h('p', { class: 'muted', 'data-testid': 'readers' })
  const startRole = base !== undefined && writable.includes(base.role) ? base.role : writable[0]
  const typeSelect = h('select', { name: 'type' }) as HTMLSelectElement
  // The role chosen decides the readers and which types it may write.
  const roleChanged = (role: string): void => {
    readersNote.textContent = `Encrypted to: ${readersOf(opened.policy.roles, role).join(', ')}`
    const wanted = typeSelect.value !== '' ? typeSelect.value : base?.item.contentType
    typeSelect.replaceChildren(...typesFor(opened.policy, role).map(type => h('option', { value: type, selected: type === wanted }, type)))
  }
  if (startRole !== undefined) roleChanged(startRole)
  const from = base?.item
  return h('section', { class: 'panel', 'aria-labelledby': 'write-title' },
    h('h2', { id: 'write-title' }, 'Write context'),
    writable.length === 0
      ? h('p', {}, 'Your membership has no role that may write. Ask your admin for an invite with a writing role.')
      : form(view, 'write', async data => {
        const address = data.get('address') as string
        draftAddress = address
        const peer = session.peer
        if (peer === undefined) throw new Error('not connected yet')
        const words = (name: string): string[] => (data.get(name) as string).split(',').map(word => word.trim()).filter(word => word !== '')
        const purpose = (data.get('purpose') as string).trim()
        const body = (data.get('body') as string).trim()
        const type = data.get('type') as ContentType
        // What the form has no box for (insights, metadata, a decision's fields) stays as the version it started from had it.
        const kept: Partial<ContextDraft> = from === undefined || from.address !== address
          ? {}
          : { insights: from.insights, ...(from.metadata === undefined ? {} : { metadata: from.metadata }), ...(from.decision === undefined ? {} : { decision: from.decision }), ...(from.parent === undefined ? {} : { parent: from.parent }) }
        const draft = {
          ...kept,
          summary: (data.get('summary') as string).trim(),
          ...(purpose === '' ? {} : { purpose }),
          ...(body === '' ? {} : { body }),
          tags: words('tags'),
          technologies: words('technologies')
        }
        const role = data.get('role') as string
        let written: PutResult
        try {
          written = await peer.put(address, draft, { as: role, type })
        } catch (error) {
          if (!Outbox.shouldQueue(error)) throw error
          // No relay could take it: kept here, and written when one is back.
          await session.outbox.add(address, draft, { as: role, type })
          session.outboxPending = (await session.outbox.pending()).length
          last = undefined
          queued = address
          base = undefined
          return
        }
        queued = undefined
        last = { ...written, type }
        base = undefined
        // So the Read view, if it shows this address, lists the new suggestion.
        if (type === 'suggestion') await refreshSuggestions(session, written.address)
      },
      field('Address', h('input', { name: 'address', value: draftAddress, required: true, spellcheck: 'false' })),
      h('div', { class: 'row' },
        field('Write as', h('select', { name: 'role', onchange: (event: Event) => { roleChanged((event.target as HTMLSelectElement).value) } },
          writable.map(role => h('option', { value: role, selected: role === startRole }, `${role} (${opened.policy.roles[role]!.authority})`)))),
        field('Type', typeSelect)),
      readersNote,
      // Static, not following the select: a re-render restores the select's value without a change event.
      h('p', { class: 'muted', 'data-testid': 'type-note' },
        'A suggestion is stored beside the address\'s context, not over it: readers see it under the context, one per author (your newer suggestion replaces your older one).'),
      field('Summary', h('input', { name: 'summary', required: true, maxlength: 500, placeholder: 'What this is, in one line', value: from?.summary })),
      field('Purpose', h('input', { name: 'purpose', placeholder: 'Why it exists (optional)', value: from?.purpose })),
      field('Details', h('textarea', { name: 'body', rows: 6, placeholder: 'The decision record, the file description, the task brief… (optional)' }, from?.body ?? '')),
      h('div', { class: 'row' },
        field('Tags', h('input', { name: 'tags', placeholder: 'comma, separated', value: from?.tags.join(', ') })),
        field('Technologies', h('input', { name: 'technologies', placeholder: 'go, leveldb', value: from?.technologies.join(', ') }))),
      h('button', { type: 'submit' }, view.busy('write') ? 'Writing…' : 'Encrypt, sign and write')),
    queued !== undefined && !view.busy('write') && h('div', { class: 'note warn', role: 'status', 'data-testid': 'queued' },
      h('strong', {}, 'No relay could take the write. '),
      `It is kept in this browser and will be written when a relay is back (${session.outboxPending} waiting).`),
    // Not while the next write runs: it would stand for that one, which is not written yet.
    last !== undefined && !view.busy('write') && view.error('write') === undefined && h('div', { class: 'success', role: 'status', 'data-testid': 'written' },
      h('strong', {}, last.type === 'suggestion' ? 'Suggestion written. ' : 'Written. '), `${last.replicas} of ${last.target} relays stored it. `,
      last.type === 'suggestion' && 'It shows under the address\'s context. ',
      h('button', { class: 'link', onclick: () => { view.go('read', { address: last!.address }) } }, 'Read it back'))
  )
}
