// One round of the OrbitDB side of `npm run bench:reference` (Node 22, this
// folder's node_modules). `node orbitdb.mjs round '{json}'` is the writer:
// OrbitDB 4 over Helia 6 / libp2p 3 (TCP on loopback, noise, yamux, identify,
// gossipsub, as OrbitDB's README configures it; bitswap as the only block
// broker and libp2p as the only router, so nothing reaches for the internet),
// with LevelDB block and data stores and OrbitDB's own LevelDB heads/index on
// disk. A second node in a child process (`replica`) opens the same
// documents database and syncs it. Then 1,000 puts of 1 KiB documents, each
// awaited: a put resolves when the entry is in the local oplog and its head
// published, not when the replica has it. Then a fresh node (`fresh`) opens
// the database by address: how long until it holds every document.
import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bitswap } from '@helia/block-brokers'
import { libp2pRouting } from '@helia/routers'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createOrbitDB } from '@orbitdb/core'
import { LevelBlockstore } from 'blockstore-level'
import { LevelDatastore } from 'datastore-level'
import { createHelia } from 'helia'
import { createLibp2p } from 'libp2p'
import { DOCS, WARMUP, docBody, finish, ownTempDir, serveParent, startChild, timeSequentialWrites, until } from './common.mjs'

const SELF = fileURLToPath(import.meta.url)
const [role = 'round', json = '{}'] = process.argv.slice(2)
const options = JSON.parse(json)

async function createNode (directory) {
  const libp2p = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true })
    }
  })
  const blockstore = new LevelBlockstore(join(directory, 'blocks'))
  const datastore = new LevelDatastore(join(directory, 'data'))
  const ipfs = await createHelia({ libp2p, blockstore, datastore, blockBrokers: [bitswap()], routers: [libp2pRouting(libp2p)] })
  const orbitdb = await createOrbitDB({ ipfs, directory: join(directory, 'orbitdb') })
  return {
    libp2p,
    orbitdb,
    async stop () {
      await orbitdb.stop().catch(() => {})
      await ipfs.stop().catch(() => {})
    }
  }
}

/** True when the log holds `lastHash`: joinEntry adds an entry only with its whole history, so everything before it is there too. */
async function holdsAll (db, lastHash, expected) {
  if (!(await db.log.has(lastHash))) return false
  return (await db.all()).length >= expected
}

/** The second node and the fresh node: a node that opens the writer's database when told to. */
async function node () {
  const peer = await createNode(options.directory)
  let db
  serveParent({
    join: async ({ address, dial, expected, lastHash }) => {
      const started = performance.now()
      for (const addresses of dial) await peer.libp2p.dial(multiaddr(addresses[0]))
      db = await peer.orbitdb.open(address)
      process.send({ type: 'opened', ms: performance.now() - started })
      if (expected !== undefined) {
        await until(async () => await holdsAll(db, lastHash, expected), { everyMs: 25, what: `${expected} documents` })
        process.send({ type: 'caughtUp', ms: performance.now() - started, held: (await db.all()).length })
      }
    },
    holds: async ({ lastHash, expected }) => { process.send({ type: 'holds', yes: db !== undefined && await holdsAll(db, lastHash, expected) }) },
    stop: async () => {
      await db?.close().catch(() => {})
      await peer.stop()
      await finish(0)
    }
  })
  process.send({ type: 'ready', multiaddrs: peer.libp2p.getMultiaddrs().map(String) })
}

function spawnNode (roleName, directory) {
  return startChild(process.execPath, [SELF, roleName, JSON.stringify({ directory })], { label: `orbitdb ${roleName}` })
}

async function round () {
  const tmp = ownTempDir(await mkdtemp(join(options.tmp ?? '/tmp', 'orbitdb-')))
  const round = options.round ?? 1
  const writer = await createNode(join(tmp, 'writer'))
  const result = { system: 'orbitdb', round, node: process.version }
  let db
  try {
    db = await writer.orbitdb.open(`reference-docs-${round}-${Date.now()}`, { type: 'documents' })
    const writerAddrs = writer.libp2p.getMultiaddrs().map(String)

    const replica = spawnNode('replica', join(tmp, 'replica'))
    const replicaReady = await replica.next('ready')
    // The second node is connected and subscribed to the database before the first write.
    const joined = new Promise(resolve => db.events.on('join', resolve))
    replica.send({ type: 'join', address: db.address, dial: [writerAddrs] })
    await replica.next('opened')
    await Promise.race([joined, until(() => false, { timeoutMs: 30_000, what: 'the replica to join the database' })])

    for (let i = 0; i < WARMUP; i++) await db.put({ _id: `warm-${i}`, body: docBody() })
    const bodies = Array.from({ length: DOCS }, () => docBody())
    let lastHash
    const timed = await timeSequentialWrites(DOCS, async i => { lastHash = await db.put({ _id: `doc-${i}`, body: bodies[i] }) })
    const expected = WARMUP + DOCS
    const afterLast = performance.now()
    const replicaLagMs = await until(async () => {
      replica.send({ type: 'holds', lastHash, expected })
      return (await replica.next('holds')).yes
    }, { everyMs: 25, what: `the replica to hold ${expected} documents` }).then(() => performance.now() - afterLast)
    result.write = { ...timed, replicaLagMs, localHeld: (await db.all()).length }
    process.stderr.write(`  orbitdb round ${round}: ${timed.writesPerSecond.toFixed(0)} writes/s; second node held all ${expected} ${replicaLagMs.toFixed(0)} ms after the last put\n`)

    const spawned = performance.now()
    const fresh = spawnNode('fresh', join(tmp, 'fresh'))
    await fresh.next('ready')
    const startMs = performance.now() - spawned
    fresh.send({ type: 'join', address: db.address, dial: [writerAddrs, replicaReady.multiaddrs], expected, lastHash })
    const freshOpened = await fresh.next('opened')
    const caughtUp = await fresh.next('caughtUp')
    const total = performance.now() - spawned
    result.catchUp = { ms: total, startMs, openMs: freshOpened.ms, syncMs: caughtUp.ms, expected, held: caughtUp.held }
    process.stderr.write(`  orbitdb round ${round} fresh node holds all ${expected}: ${(total / 1000).toFixed(2)} s from spawn (${(caughtUp.ms / 1000).toFixed(2)} s after it was told to open the database)\n`)
    await fresh.stop()
    await replica.stop()
  } finally {
    await db?.close().catch(() => {})
    await writer.stop()
  }
  if (process.send === undefined) console.log(JSON.stringify(result))
  else process.send({ type: 'result', result })
}

if (role === 'round') {
  round().then(async () => { await finish(0) }, async error => {
    process.send?.({ type: 'error', error: error?.stack ?? String(error) })
    process.stderr.write(`orbitdb round failed: ${error?.stack ?? String(error)}\n`)
    await finish(1)
  })
} else {
  node().catch(async error => {
    process.send?.({ type: 'error', error: error?.stack ?? String(error) })
    await finish(1)
  })
}
