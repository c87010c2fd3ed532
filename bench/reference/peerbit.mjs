// One round of the Peerbit side of `npm run bench:reference` (Node 22, this
// folder's node_modules). `node peerbit.mjs round '{json}'` is the writer: a
// Peerbit client with a Documents store on disk, a second Peerbit node in a
// child process (`replica`) that opens the same store and replicates it
// (replicate: { factor: 1 }, i.e. all of it), then 1,000 puts of 1 KiB
// documents, each awaited. A put resolves when the local store has appended
// and indexed it: Peerbit's put does not wait for the replica (that would take
// its `delivery` option, which this benchmark does not use). Then a fresh node
// (`fresh`) opens the store by address: how long until it holds every document.
import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'
import { field, variant } from '@dao-xyz/borsh'
import { Documents } from '@peerbit/document'
import { Peerbit } from 'peerbit'
import { DOCS, WARMUP, docBody, finish, ownTempDir, serveParent, startChild, timeSequentialWrites, until } from './common.mjs'

const SELF = fileURLToPath(import.meta.url)
const [role = 'round', json = '{}'] = process.argv.slice(2)
const options = JSON.parse(json)

// A document: an id and a 1 KiB body (the decorators of Peerbit's examples, applied by hand).
class Doc {
  constructor (properties) {
    if (properties !== undefined) {
      this.id = properties.id
      this.body = properties.body
    }
  }
}
field({ type: 'string' })(Doc.prototype, 'id')
field({ type: 'string' })(Doc.prototype, 'body')
variant('reference-doc')(Doc)

const OPEN_ARGS = { type: Doc, replicate: { factor: 1 } }
const LISTEN = { addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] } }

async function createClient (directory) {
  // REFERENCE_PEERBIT_MEMORY=1: no directory (memory stores, in-memory SQLite), to see what the disk costs.
  return await Peerbit.create({ ...(process.env.REFERENCE_PEERBIT_MEMORY === '1' ? {} : { directory }), libp2p: LISTEN })
}

/** The second node and the fresh node: a client that opens the writer's store when told to. */
async function node () {
  const client = await createClient(options.directory)
  let store
  serveParent({
    join: async ({ address, dial, expected }) => {
      const started = performance.now()
      for (const addresses of dial) await client.dial(addresses[0])
      store = await client.open(address, { args: OPEN_ARGS })
      process.send({ type: 'opened', publicKey: client.identity.publicKey.hashcode(), ms: performance.now() - started })
      if (expected !== undefined) {
        await until(async () => (await store.index.getSize()) >= expected, { everyMs: 25, what: `${expected} documents` })
        process.send({ type: 'caughtUp', ms: performance.now() - started, held: await store.index.getSize() })
      }
    },
    count: async () => { process.send({ type: 'count', n: store === undefined ? 0 : await store.index.getSize() }) },
    stop: async () => {
      await client.stop().catch(() => {})
      await finish(0)
    }
  })
  process.send({ type: 'ready', multiaddrs: client.getMultiaddrs().map(String) })
}

function spawnNode (roleName, directory) {
  return startChild(process.execPath, [SELF, roleName, JSON.stringify({ directory })], { label: `peerbit ${roleName}` })
}

async function round () {
  const tmp = ownTempDir(await mkdtemp(join(options.tmp ?? '/tmp', 'peerbit-')))
  const round = options.round ?? 1
  const writer = await createClient(join(tmp, 'writer'))
  const result = { system: 'peerbit', round, node: process.version, storage: process.env.REFERENCE_PEERBIT_MEMORY === '1' ? 'memory' : 'disk' }
  try {
    const store = await writer.open(new Documents({ id: new Uint8Array(randomBytes(32)) }), { args: OPEN_ARGS })
    const writerAddrs = writer.getMultiaddrs().map(String)

    const replica = spawnNode('replica', join(tmp, 'replica'))
    const replicaReady = await replica.next('ready')
    replica.send({ type: 'join', address: store.address, dial: [writerAddrs] })
    const opened = await replica.next('opened')
    // The writer sees the second node as a replicator before the first write.
    await until(async () => (await store.log.getReplicators()).has(opened.publicKey), { timeoutMs: 30_000, what: 'the replica to replicate' })

    for (let i = 0; i < WARMUP; i++) await store.put(new Doc({ id: `warm-${i}`, body: docBody() }))
    const bodies = Array.from({ length: DOCS }, () => docBody())
    const timed = await timeSequentialWrites(DOCS, async i => { await store.put(new Doc({ id: `doc-${i}`, body: bodies[i] })) })
    const expected = WARMUP + DOCS
    const afterLast = performance.now()
    // How far behind the second node was when the last put returned.
    const replicaLagMs = await until(async () => {
      replica.send({ type: 'count' })
      return (await replica.next('count')).n >= expected
    }, { everyMs: 25, what: `the replica to hold ${expected} documents` }).then(() => performance.now() - afterLast)
    result.write = { ...timed, replicaLagMs, localHeld: await store.index.getSize() }
    process.stderr.write(`  peerbit round ${round}: ${timed.writesPerSecond.toFixed(0)} writes/s; second node held all ${expected} ${replicaLagMs.toFixed(0)} ms after the last put\n`)

    // A node that was not there: start it, then open the store and wait for every document.
    const spawned = performance.now()
    const fresh = spawnNode('fresh', join(tmp, 'fresh'))
    await fresh.next('ready')
    const startMs = performance.now() - spawned
    fresh.send({ type: 'join', address: store.address, dial: [writerAddrs, replicaReady.multiaddrs], expected })
    const freshOpened = await fresh.next('opened')
    const caughtUp = await fresh.next('caughtUp')
    const total = performance.now() - spawned
    result.catchUp = { ms: total, startMs, openMs: freshOpened.ms, syncMs: caughtUp.ms, expected, held: caughtUp.held }
    process.stderr.write(`  peerbit round ${round} fresh node holds all ${expected}: ${(total / 1000).toFixed(2)} s from spawn (${(caughtUp.ms / 1000).toFixed(2)} s after it was told to open the store)\n`)
    await fresh.stop()
    await replica.stop()
  } finally {
    await writer.stop().catch(() => {})
  }
  if (process.send === undefined) console.log(JSON.stringify(result))
  else process.send({ type: 'result', result })
}

if (role === 'round') {
  round().then(async () => { await finish(0) }, async error => {
    process.send?.({ type: 'error', error: error?.stack ?? String(error) })
    process.stderr.write(`peerbit round failed: ${error?.stack ?? String(error)}\n`)
    await finish(1)
  })
} else {
  node().catch(async error => {
    process.send?.({ type: 'error', error: error?.stack ?? String(error) })
    await finish(1)
  })
}
