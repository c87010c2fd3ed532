import { h } from '../../../src/element/dom.ts'
import { CONTENT_TYPES, formatIdentityFile, generateRoleKey, keyFingerprint, mayWrite, readableBy } from '../../../src/index.browser.ts'
import type { Policy } from '../../../src/index.browser.ts'
import type { Session } from '../session.ts'
import type { View } from './view.ts'
import { errorBox, field, form } from './view.ts'
import { shortId } from './format.ts'

/** Import an invite, unlock, and manage the role keys this browser holds. */
export function keysView (session: Session, view: View): HTMLElement {
  if (session.phase === 'unseal') return unsealPanel(session, view)
  if (session.phase === 'confirm-replace') return confirmReplacePanel(session, view)
  if (session.phase === 'locked') return unlockPanel(session, view)
  if (session.opened === undefined) return importPanel(session, view, true)
  return h('section', { class: 'panel', 'aria-labelledby': 'keys-title' },
    h('h2', { id: 'keys-title' }, 'Your keys'),
    heldRoles(session, view),
    readableRoles(session),
    keyEpochs(session),
    addKeyPanel(session, view),
    passphrasePanel(session, view),
    importPanel(session, view, false),
    h('div', { class: 'danger' },
      h('button', {
        class: 'secondary',
        onclick: async () => {
          if (!confirm('Remove every key and all cached context from this browser?')) return
          await session.signOut()
        }
      }, 'Remove all keys from this browser'))
  )
}

function unlockPanel (session: Session, view: View): HTMLElement {
  return h('section', { class: 'panel narrow' },
    h('h2', {}, 'Unlock your keys'),
    h('p', { class: 'muted' }, 'The keys in this browser are sealed with a passphrase (age scrypt).'),
    form(view, 'unlock', async data => {
      await session.unlock(data.get('passphrase') as string)
      view.go('read')
    },
    field('Passphrase', h('input', { name: 'passphrase', type: 'password', autocomplete: 'current-password', required: true, autofocus: true })),
    h('button', { type: 'submit' }, 'Unlock'))
  )
}

/** A sealed invite link: the passphrase that came with it opens it, here, in a field the browser does not keep. */
function unsealPanel (session: Session, view: View): HTMLElement {
  return h('section', { class: 'panel narrow', 'data-testid': 'unseal' },
    h('h2', {}, 'Open your invite'),
    h('p', {}, 'This link holds an invite sealed with a passphrase, so your browser\'s history keeps nothing usable. Enter the passphrase your admin gave you with the link.'),
    form(view, 'unseal', async data => {
      await session.unseal(data.get('invite-passphrase') as string, data.get('passphrase') as string)
      view.go('read')
    },
    field('Invite passphrase', h('input', { name: 'invite-passphrase', type: 'password', autocomplete: 'one-time-code', required: true, autofocus: true, spellcheck: 'false' })),
    field('Passphrase to protect the keys in this browser (optional)', h('input', { name: 'passphrase', type: 'password', autocomplete: 'new-password' })),
    h('div', { class: 'row' },
      h('button', { type: 'submit' }, 'Open invite'),
      h('button', { type: 'button', class: 'secondary', onclick: async () => { await view.run('unseal', async () => { await session.cancelUnseal() }) } }, 'Cancel')))
  )
}

/** An invite would replace the keys this browser holds: say what goes and what comes, and let the person choose. */
function confirmReplacePanel (session: Session, view: View): HTMLElement {
  const pending = session.pending
  if (pending === undefined) return h('p', {})
  const held = session.summary
  const incoming = pending.opened
  const otherNetwork = pending.change === 'other-network'
  return h('section', { class: 'panel narrow', 'data-testid': 'confirm-replace', 'data-change': pending.change },
    h('h2', {}, otherNetwork ? 'Switch to another network?' : 'Replace your membership?'),
    h('p', {}, otherNetwork
      ? 'This invite is for a different slurp network than the keys this browser holds. Accepting it removes those keys and everything they decrypted from this browser.'
      : 'This invite is another membership of the same network. Accepting it replaces the keys this browser holds and removes the context they decrypted.'),
    h('dl', { class: 'meta' },
      h('dt', {}, 'Held now'), h('dd', { 'data-testid': 'held-now' }, describe(held?.label, held?.network, Object.keys(held?.roles ?? {}))),
      h('dt', {}, 'The invite'), h('dd', { 'data-testid': 'incoming' }, describe(incoming.file.label, incoming.file.network, [...incoming.member.certificate.roles]))),
    h('div', { class: 'row' },
      h('button', { 'data-testid': 'accept-replace', onclick: async () => { await view.run('replace', async () => { await session.confirmReplace(); view.go('read') }) } },
        otherNetwork ? 'Switch network and remove the old keys' : 'Replace my keys'),
      h('button', { class: 'secondary', 'data-testid': 'keep-current', onclick: async () => { await view.run('replace', async () => { await session.keepCurrent() }) } }, 'Keep my current keys')),
    errorBox(view.error('replace')))
}

function describe (label: string | undefined, network: string | undefined, roles: readonly string[]): string {
  return `${label ?? 'no label'} · network ${network === undefined ? '?' : shortId(network)} · roles: ${roles.join(', ') || 'none'}`
}

function importPanel (session: Session, view: View, first: boolean): HTMLElement {
  const text = h('textarea', { name: 'invite', rows: 5, placeholder: '{"format":"slurp-invite/1", …}, its base64url text, or a sealed invite', required: true, spellcheck: 'false', autocomplete: 'off' }) as HTMLTextAreaElement
  const file = h('input', {
    type: 'file',
    accept: '.json,.txt,application/json',
    onchange: async (event: Event) => {
      const chosen = (event.target as HTMLInputElement).files?.[0]
      if (chosen !== undefined) text.value = await chosen.text()
    }
  })
  return h('section', { class: first ? 'panel narrow' : 'subpanel' },
    h(first ? 'h2' : 'h3', {}, first ? 'Join a slurp network' : 'Replace with another invite'),
    first && h('p', {}, 'Ask your network admin for an invite: a sealed link and its passphrase, or a file. It holds a member key certified for your roles and the role keys you may read with; it never leaves this browser.'),
    first && h('pre', { class: 'hint' }, 'slurp invite --roles backend_developer --label "Alice" --url http://127.0.0.1:4080/'),
    form(view, 'import', async data => {
      await session.importInvite(data.get('invite') as string, {
        invitePassphrase: data.get('invite-passphrase') as string,
        vaultPassphrase: data.get('passphrase') as string
      })
      if (session.phase !== 'confirm-replace') view.go('read')
    },
    field('Invite', text),
    field('…or a file', file),
    field('Invite passphrase (for a sealed invite)', h('input', { name: 'invite-passphrase', type: 'password', autocomplete: 'one-time-code' })),
    field('Passphrase to protect the keys (optional)', h('input', { name: 'passphrase', type: 'password', autocomplete: 'new-password' })),
    h('button', { type: 'submit' }, 'Import invite'))
  )
}

function heldRoles (session: Session, view: View): HTMLElement {
  const opened = session.opened
  if (opened === undefined) return h('p', {})
  const certified = new Set(opened.member.certificate.roles)
  const held = Object.entries(opened.file.roles)
  const roles = [...new Set([...certified, ...held.map(([role]) => role)])].sort()
  return h('div', { class: 'table-wrap' },
    h('table', { 'data-testid': 'held-roles' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Role'), h('th', {}, 'Authority'), h('th', {}, 'May write'), h('th', {}, 'Key'), h('th', {}, ''))),
      h('tbody', {}, roles.map(role => {
        const identities = opened.file.roles[role] ?? []
        const recipients = session.summary?.roles[role] ?? []
        const current = opened.policy.roles[role]?.recipient
        const keyText = identities.length === 0
          ? 'no key (write only)'
          : `${keyFingerprint(recipients[0] ?? '').slice(7, 19)}${recipients.includes(current ?? '') ? ' · current' : ' · not in policy'}${identities.length > 1 ? ` · +${identities.length - 1} older` : ''}`
        return h('tr', { 'data-role': role },
          h('td', {}, h('strong', {}, role)),
          h('td', {}, opened.policy.roles[role]?.authority ?? '?'),
          h('td', { 'data-testid': 'may-write' }, mayWriteText(opened.policy, role, certified.has(role))),
          h('td', { class: 'mono' }, keyText),
          h('td', { class: 'actions' },
            identities.length > 0 && h('button', { class: 'small secondary', onclick: () => { download(`${role}.age`, formatIdentityFile(role, identities.map((identity, i) => ({ identity, recipient: recipients[i] ?? '', created: session.summary?.savedAt ?? '' })))) } }, 'Export'),
            identities.length > 0 && h('button', {
              class: 'small secondary',
              onclick: async () => {
                if (!confirm(`Remove the ${role} key from this browser? Context it decrypted is removed too.`)) return
                await view.run('keys', async () => { await session.removeRole(role) })
              }
            }, 'Remove')))
      }))
    ))
}

function readableRoles (session: Session): HTMLElement {
  const opened = session.opened
  if (opened === undefined) return h('p', {})
  const readable = new Set<string>()
  for (const role of Object.keys(opened.file.roles)) {
    if (opened.policy.roles[role] !== undefined) for (const writer of readableBy(opened.policy.roles, role)) readable.add(writer)
  }
  return h('p', { 'data-testid': 'readable-roles' }, h('strong', {}, 'You can read context written by: '),
    readable.size === 0 ? 'nobody yet — add a role key' : [...readable].sort().join(', '))
}

/**
 * Which key each reader set's context is encrypted to now (its epoch rises
 * with every rotation), whether this browser's roles open it, and a notice
 * when the keys changed while the page was open.
 */
function keyEpochs (session: Session): HTMLElement {
  const opened = session.opened
  const keys = session.peer?.readerKeys() ?? []
  const changed = session.keysChanged
  return h('div', { class: 'subpanel', 'data-testid': 'key-epochs' },
    changed === undefined
      ? h('p', { class: 'muted' }, `Policy version ${opened?.policy.version ?? '?'}.`)
      : h('p', { role: 'status', 'data-testid': 'keys-changed' },
        h('strong', {}, 'Keys changed: '),
        `the network moved from policy version ${changed.from} to ${changed.to} at ${new Date(changed.at).toLocaleTimeString()}. `,
        changed.delivered.length > 0 ? `New keys arrived for ${changed.delivered.join(', ')}; ` : '',
        'this browser took them by itself. Context written before stays readable.'),
    keys.length === 0
      ? h('p', { class: 'muted' }, 'This network encrypts to each role directly (a policy from before reader keys).')
      : h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'Read by'), h('th', {}, 'Key epoch'), h('th', {}, 'You read it'))),
        h('tbody', {}, keys.map(key => h('tr', {},
          h('td', {}, key.roles.join(', ')),
          h('td', { 'data-testid': 'epoch' }, String(key.epoch)),
          h('td', {}, key.held ? 'yes' : '—')))))
  )
}

function addKeyPanel (session: Session, view: View): HTMLElement {
  const roles = Object.keys(session.opened?.policy.roles ?? {}).sort()
  const output = h('div', {})
  return h('details', { class: 'subpanel' },
    h('summary', {}, 'Add a role key'),
    form(view, 'add-key', async data => {
      await session.addIdentity(data.get('role') as string, data.get('identity') as string)
    },
    field('Role', h('select', { name: 'role' }, roles.map(role => h('option', { value: role }, role)))),
    field('age identity (AGE-SECRET-KEY-1…)', h('textarea', { name: 'identity', rows: 2, required: true, spellcheck: 'false' })),
    h('div', { class: 'row' },
      h('button', { type: 'submit' }, 'Import key'),
      h('button', {
        type: 'button',
        class: 'secondary',
        onclick: async (event: Event) => {
          const formElement = (event.target as HTMLElement).closest('form') as HTMLFormElement
          const role = (formElement.elements.namedItem('role') as HTMLSelectElement).value
          const pair = await generateRoleKey()
          await view.run('add-key', async () => { await session.addIdentity(role, pair.identity) })
          output.replaceChildren(h('p', { class: 'note' }, `New ${role} key. Its public key is `, h('code', {}, pair.recipient),
            '. Records are encrypted to the key the policy lists, so give this public key to your network admin (slurp keygen) before others can write to it.'))
        }
      }, 'Generate a new key'))),
    output)
}

function passphrasePanel (session: Session, view: View): HTMLElement {
  const isProtected = session.summary?.protected === true
  return h('details', { class: 'subpanel' },
    h('summary', {}, isProtected ? 'Passphrase: on' : 'Passphrase: off'),
    form(view, 'passphrase', async data => {
      await session.setPassphrase(data.get('passphrase') as string)
    },
    field(isProtected ? 'New passphrase (empty turns protection off)' : 'Passphrase', h('input', { name: 'passphrase', type: 'password', autocomplete: 'new-password' })),
    h('button', { type: 'submit' }, 'Save')))
}

function download (name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }))
  const link = h('a', { href: url, download: name }) as HTMLAnchorElement
  link.click()
  setTimeout(() => { URL.revokeObjectURL(url) }, 1000)
}

/** What a role may write here: the content types its authority allows, if this member is certified for it. */
function mayWriteText (policy: Policy, role: string, certified: boolean): string {
  if (!certified) return 'no (not certified)'
  const authority = policy.roles[role]?.authority
  const types = authority === undefined ? [] : CONTENT_TYPES.filter(type => mayWrite(policy.writeRules, authority, type))
  return types.length === 0 ? 'no (read only)' : types.join(', ')
}
