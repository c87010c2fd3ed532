import { h } from '../../../src/element/dom.ts'
import { CONTENT_TYPES, mayWrite, readersOf } from '../../../src/index.browser.ts'
import type { ContentType, PutResult } from '../../../src/index.browser.ts'
import type { Session } from '../session.ts'
import { refreshSuggestions } from './read.ts'
import type { View } from './view.ts'
import { field, form } from './view.ts'

let last: (PutResult & { type: ContentType }) | undefined
let draftAddress = 'ucxl://project123/src/main.go'

export function setWriteAddress (address: string): void {
  draftAddress = address
}

/** Write context, a decision or a suggestion as one of the roles this member is certified for. */
export function writeView (session: Session, view: View): HTMLElement {
  const opened = session.opened
  if (opened === undefined) return h('section', { class: 'panel' }, h('p', {}, 'Import an invite first.'))
  const roles = opened.member.certificate.roles.filter(role => opened.policy.roles[role] !== undefined)
  const writable = roles.filter(role => CONTENT_TYPES.some(type => mayWrite(opened.policy.writeRules, opened.policy.roles[role]!.authority, type)))
  const readersNote = h('p', { class: 'muted', 'data-testid': 'readers' })
  const updateReaders = (role: string): void => {
    readersNote.textContent = `Encrypted to: ${readersOf(opened.policy.roles, role).join(', ')}`
  }
  if (writable[0] !== undefined) updateReaders(writable[0])
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
        const written = await peer.put(address, {
          summary: (data.get('summary') as string).trim(),
          ...(purpose === '' ? {} : { purpose }),
          ...(body === '' ? {} : { body }),
          tags: words('tags'),
          technologies: words('technologies')
        }, { as: data.get('role') as string, type })
        last = { ...written, type }
        // So the Read view, if it shows this address, lists the new suggestion.
        if (type === 'suggestion') await refreshSuggestions(session, written.address)
      },
      field('Address', h('input', { name: 'address', value: draftAddress, required: true, spellcheck: 'false' })),
      h('div', { class: 'row' },
        field('Write as', h('select', { name: 'role', onchange: (event: Event) => { updateReaders((event.target as HTMLSelectElement).value) } },
          writable.map(role => h('option', { value: role }, `${role} (${opened.policy.roles[role]!.authority})`)))),
        field('Type', h('select', { name: 'type' }, CONTENT_TYPES.map(type => h('option', { value: type }, type))))),
      readersNote,
      // Static, not following the select: a re-render restores the select's value without a change event.
      h('p', { class: 'muted', 'data-testid': 'type-note' },
        'A suggestion is stored beside the address\'s context, not over it: readers see it under the context, one per author (your newer suggestion replaces your older one).'),
      field('Summary', h('input', { name: 'summary', required: true, maxlength: 500, placeholder: 'What this is, in one line' })),
      field('Purpose', h('input', { name: 'purpose', placeholder: 'Why it exists (optional)' })),
      field('Details', h('textarea', { name: 'body', rows: 6, placeholder: 'The decision record, the file description, the task brief… (optional)' })),
      h('div', { class: 'row' },
        field('Tags', h('input', { name: 'tags', placeholder: 'comma, separated' })),
        field('Technologies', h('input', { name: 'technologies', placeholder: 'go, leveldb' }))),
      h('button', { type: 'submit' }, view.busy('write') ? 'Writing…' : 'Encrypt, sign and write')),
    // Not while the next write runs: it would stand for that one, which is not written yet.
    last !== undefined && !view.busy('write') && view.error('write') === undefined && h('div', { class: 'success', role: 'status', 'data-testid': 'written' },
      h('strong', {}, last.type === 'suggestion' ? 'Suggestion written. ' : 'Written. '), `${last.replicas} of ${last.target} relays stored it. `,
      last.type === 'suggestion' && 'It shows under the address\'s context. ',
      h('button', { class: 'link', onclick: () => { view.go('read', { address: last!.address }) } }, 'Read it back'))
  )
}
