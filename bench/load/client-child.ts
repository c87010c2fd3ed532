// First: libp2p needs Promise.withResolvers, which Node 20 lacks.
import '../../src/runtime/node-shim.ts'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fromBase64url } from '../../src/encoding/base64url.ts'
import { deadline } from '../../src/net/deadline.ts'
import { lazyLogger } from '../../src/net/lazy-logger.ts'
import { DHT_PROTOCOL } from '../../src/net/node.ts'
import { batchSocketWrites, socketOf } from '../../src/net/write-batching.ts'
import { requestRecord } from '../../src/net/record-protocol.ts'
import { kadRpc } from './kad-rpc.ts'
import { LAG_RESOLUTION_MS, OP_KINDS, lagBeyondTimer } from './protocol.ts'
import type { ClientReport, ClientStart, OpKind } from './protocol.ts'

/**
 * A load-bench client process: `clients` js-libp2p nodes (TCP, Noise, yamux,
 * identify, ping and js-libp2p's connection monitor, pinging as the relay's
 * own peers do: slurp peers every 30 s, plain js-libp2p every 10 s), each
 * with its own peer id and one connection to the relay, each running an operation every opIntervalMs: a DHT lookup
 * (FIND_NODE), a record read or a record write (the first is always its own
 * write). Against slurp, records go over slurp's record protocol and lookups
 * over slurp's DHT protocol; against the reference, records are DHT values
 * (GET_VALUE, PUT_VALUE). The DHT messages are sent as kad-dht's client
 * sends them (kad-rpc.ts). Reports to the parent every 2 s; on "stop" it
 * closes every node and exits.
 */
const REPORT_MS = 2000
/** A client redials as a browser tab's peer does (it redials every 2 s, for ever); it gives up after this many. */
const DIAL_ATTEMPTS = 8
const OP_TIMEOUT_MS = 10_000

interface Client {
  readonly node: Libp2p
  readonly index: number
  stopped: boolean
}

// How late this process's own event loop runs: a busy client inflates the latencies it measures.
const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS })
lag.enable()
let start: ClientStart | undefined
const clients: Client[] = []
let samples: Array<[number, number, number]> = []
let errors: Record<string, number> = {}
const counts = { refused: 0, failedDials: 0, dropped: 0 }
/** Set by stop(); read in the loops (an object, so the loops see it change). */
const state = { stopping: false }
let relayPeer: PeerId | undefined

process.on('message', message => {
  const value = message as { type: string }
  if (value.type === 'start') run(value as ClientStart).catch(error => { console.error(error); process.exit(1) })
  if (value.type === 'stop') stop().catch(error => { console.error(error); process.exit(1) })
})

async function run (init: ClientStart): Promise<void> {
  start = init
  relayPeer = peerIdFromString(multiaddr(init.relay).getComponents().find(c => c.name === 'p2p')?.value as string)
  setInterval(report, REPORT_MS).unref()
  const gapMs = 1000 / init.rampPerSecond
  const began = performance.now()
  const joining: Array<Promise<void>> = []
  for (let i = 0; i < init.clients && !state.stopping; i++) {
    const wait = began + i * gapMs - performance.now()
    if (wait > 0) await sleep(wait)
    joining.push(join(init.first + i))
  }
  await Promise.all(joining)
}

async function join (index: number): Promise<void> {
  const init = start as ClientStart
  const node = await newClient()
  const client: Client = { node, index, stopped: false }
  clients.push(client)
  for (let attempt = 1; ; attempt++) {
    try {
      await node.dial(multiaddr(init.relay), { signal: AbortSignal.timeout(10_000) })
      // A relay that refuses after the handshake closes at once: count it as refused.
      await sleep(250)
      if (node.getConnections(relayPeer).some(c => c.status === 'open')) break
      throw new Error('closed by the relay')
    } catch (error) {
      counts.failedDials++
      const name = `dial: ${(error as Error).name}: ${(error as Error).message.slice(0, 60)}`
      errors[name] = (errors[name] ?? 0) + 1
      if (attempt >= DIAL_ATTEMPTS || state.stopping) {
        counts.refused++
        client.stopped = true
        return
      }
      await sleep(Math.min(1000 * 2 ** (attempt - 1), 8000))
    }
  }
  node.addEventListener('connection:close', event => {
    if (!state.stopping && event.detail.remotePeer.equals(relayPeer)) counts.dropped++
  })
  // Each client its own phase; its first operation is its own write.
  await sleep(Math.random() * init.opIntervalMs)
  let first = true
  while (!client.stopped && !state.stopping) {
    const kind: OpKind = first ? 'put' : pick()
    first = false
    const began = performance.now()
    try {
      await operate(client, kind)
      samples.push([Date.now(), Math.round((performance.now() - began) * 100) / 100, OP_KINDS.indexOf(kind)])
    } catch (error) {
      const name = `${kind}: ${(error as Error).name}`
      errors[name] = (errors[name] ?? 0) + 1
    }
    await sleep(init.opIntervalMs * (0.5 + Math.random()))
  }
}

/** 40 % DHT lookups, 40 % record reads, 20 % record writes. */
function pick (): OpKind {
  const r = Math.random()
  return r < 0.4 ? 'dht' : r < 0.8 ? 'get' : 'put'
}

const encoder = new TextEncoder()

async function operate (client: Client, kind: OpKind): Promise<void> {
  // A deadline cleared when the operation ends: AbortSignal.timeout's timer would fire for every finished one.
  const bound = deadline(OP_TIMEOUT_MS)
  try {
    await operateUntil(client, kind, bound.signal)
  } finally {
    bound.clear()
  }
}

async function operateUntil (client: Client, kind: OpKind, signal: AbortSignal): Promise<void> {
  const init = start as ClientStart
  const connection = client.node.getConnections(relayPeer).find(c => c.status === 'open')
  if (connection === undefined) throw Object.assign(new Error('not connected to the relay'), { name: 'NotConnectedError' })
  const kad = init.target === 'slurp' ? DHT_PROTOCOL : '/ipfs/kad/1.0.0'
  if (kind === 'dht') {
    await kadRpc(connection, kad, { type: 'FIND_NODE', key: crypto.getRandomValues(new Uint8Array(32)) }, signal)
    return
  }
  if (init.target === 'slurp') {
    // This process's records, in client order: its own, and for reads any of them.
    const own = init.records?.[client.index - init.first]
    const other = init.records?.[Math.floor(Math.random() * init.clients)] ?? own
    const record = kind === 'put' ? own : other
    if (record === undefined) throw new Error('no record for this client')
    const response = kind === 'put'
      ? await requestRecord(client.node, relayPeer as PeerId, { op: 'put', key: record.key, record: fromBase64url(record.bytes) }, { signal })
      : await requestRecord(client.node, relayPeer as PeerId, { op: 'get', key: record.key }, { signal })
    if (response.status !== 'ok') throw Object.assign(new Error(response.message), { name: response.code })
    return
  }
  if (kind === 'put') {
    const value = encoder.encode(`client ${client.index} at ${Date.now()}`)
    await kadRpc(connection, kad, { type: 'PUT_VALUE', key: encoder.encode(`/bench/c${client.index}`), value }, signal)
    return
  }
  const key = encoder.encode(`/bench/c${init.first + Math.floor(Math.random() * init.clients)}`)
  await kadRpc(connection, kad, { type: 'GET_VALUE', key }, signal)
}

/**
 * Each client gets what slurp's own Node peers get from createSlurpNode (loggers
 * only for names DEBUG enables, a writev per microtask turn per socket): the
 * relay sees the same bytes, and the load generator's own CPU, which shares
 * this machine with the relay, goes down.
 */
async function newClient (): Promise<Libp2p> {
  const node = await createLibp2p({
    logger: lazyLogger(),
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    ...(start?.pingIntervalMs === undefined ? {} : { connectionMonitor: { pingInterval: start.pingIntervalMs } }),
    services: { identify: identify(), ping: ping() }
  })
  node.addEventListener('connection:open', event => { batchSocketWrites(socketOf(event.detail)) })
  return node
}

function report (): void {
  const message: ClientReport = {
    type: 'report',
    connected: clients.filter(client => !client.stopped && client.node.getConnections(relayPeer).some(c => c.status === 'open')).length,
    ...counts,
    samples,
    errors,
    rss: process.memoryUsage().rss,
    lagP99Ms: lagBeyondTimer(lag.percentile(99) / 1e6)
  }
  lag.reset()
  samples = []
  errors = {}
  process.send?.(message)
}

async function stop (): Promise<void> {
  state.stopping = true
  report()
  for (const client of clients) client.stopped = true
  // A few at a time: a thousand closes at once would stall this process, not the relay.
  for (let i = 0; i < clients.length; i += 25) {
    await Promise.all(clients.slice(i, i + 25).map(async client => { await Promise.resolve(client.node.stop()).catch(() => {}) }))
  }
  process.send?.({ type: 'stopped' }, () => { process.exit(0) })
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, Math.max(0, ms)))
}
