// The embedding example (embed.html). An agent UI needs three calls: a peer
// from an invite, start it, and register the element. The same code works
// from the npm package: import { … } from 'slurp' resolves to this browser entry.
import { KeyVault, createBrowserPeerFromInvite, createIdbStore, defineSlurpContext, parseInvite } from '../../src/index.browser.ts'
import type { InviteFile } from '../../src/index.browser.ts'
import { isSealedInvite, unsealInvite } from '../../src/invite/sealed.ts'
import { relaysToDial } from './bootstrap.ts'
import { takeInviteFragment } from './fragment.ts'
import { VAULT_CHANNEL } from './vault-channel.ts'

// First thing: an invite in the fragment leaves the address bar (its secrets must not sit there or be copied on).
const fragment = takeInviteFragment()
const status = document.getElementById('embed-status') as HTMLElement
const element = document.getElementById('context') as HTMLElement
const address = new URLSearchParams(location.search).get('address')
if (address !== null) element.setAttribute('address', address)

/** A sealed invite link: the page asks for its passphrase. */
async function unsealFromForm (sealed: string): Promise<InviteFile> {
  const form = document.getElementById('unseal') as HTMLFormElement
  form.hidden = false
  status.textContent = 'This link holds a sealed invite: enter its passphrase.'
  for (;;) {
    const passphrase = await new Promise<string>(resolve => {
      form.onsubmit = event => {
        event.preventDefault()
        resolve((form.elements.namedItem('passphrase') as HTMLInputElement).value)
      }
    })
    try {
      const invite = await unsealInvite(sealed, passphrase)
      form.hidden = true
      return invite
    } catch (error) {
      status.textContent = (error as Error).message
    }
  }
}

async function main (): Promise<void> {
  const vault = new KeyVault(createIdbStore({ database: 'slurp-keys', storeName: 'vault' }))
  const invite = fragment === undefined
    ? await vault.load()
    : isSealedInvite(fragment) ? await unsealFromForm(fragment) : parseInvite(fragment)
  if (invite === undefined) {
    status.textContent = 'No keys in this browser yet: import an invite in the slurp app first.'
    return
  }
  // Every relay the page knows of: ?relay=, the serving relay's list, and the invite's.
  const peer = await createBrowserPeerFromInvite(invite, { bootstrap: await relaysToDial(invite.bootstrap) })
  await peer.start()
  // The app replaced or removed the keys in another tab: this page's peer stops, so nothing of the old network is read or cached again.
  if (typeof BroadcastChannel !== 'undefined') {
    new BroadcastChannel(VAULT_CHANNEL).onmessage = () => {
      peer.stop().catch(() => {})
      status.textContent = 'The keys in this browser changed: reload the page.'
    }
  }
  defineSlurpContext({ peer })
  status.textContent = `Connected to ${peer.status().relays.length} relay(s).`
}

main().catch((error: Error) => { status.textContent = `Could not start: ${error.message}` })
