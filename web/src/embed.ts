// The embedding example (embed.html). An agent UI needs three calls: a peer
// from an invite, start it, and register the element. The same code works
// from the npm package: import { … } from 'slurp' resolves to this browser entry.
import { KeyVault, createBrowserPeerFromInvite, createIdbStore, defineSlurpContext, parseInvite } from '../../src/index.browser.ts'
import { bootstrapFromOrigin } from './bootstrap.ts'

const status = document.getElementById('embed-status') as HTMLElement
const element = document.getElementById('context') as HTMLElement
const address = new URLSearchParams(location.search).get('address')
if (address !== null) element.setAttribute('address', address)

async function main (): Promise<void> {
  const fragment = new URLSearchParams(location.hash.slice(1)).get('invite')
  const vault = new KeyVault(createIdbStore({ database: 'slurp-keys', storeName: 'vault' }))
  const invite = fragment !== null ? parseInvite(fragment) : await vault.load()
  if (invite === undefined) {
    status.textContent = 'No keys in this browser yet: import an invite in the slurp app first.'
    return
  }
  const relays = await bootstrapFromOrigin()
  const peer = await createBrowserPeerFromInvite(invite, relays.length > 0 ? { bootstrap: relays } : {})
  await peer.start()
  defineSlurpContext({ peer })
  status.textContent = `Connected to ${peer.status().relays.length} relay(s).`
}

main().catch((error: Error) => { status.textContent = `Could not start: ${error.message}` })
