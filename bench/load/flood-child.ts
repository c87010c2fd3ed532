// First: libp2p needs Promise.withResolvers, which Node 20 lacks.
import '../../src/runtime/node-shim.ts'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import type { Connection, Libp2p } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { FloodReport, FloodStart } from './protocol.ts'

/**
 * The connection flood: `rate` fresh connections a second to the relay (a new
 * TCP connection, Noise handshake and yamux each time, from one peer id, as a
 * reconnecting or misbehaving client does), each kept for holdMs and closed.
 * A dial counts as admitted when its connection was still open when the flood
 * closed it: a relay that refuses after the handshake closes it first.
 */
let node: Libp2p | undefined
let timer: ReturnType<typeof setInterval> | undefined
const counts = { attempted: 0, admitted: 0, refused: 0 }
let errors: Record<string, number> = {}
const open = new Set<Promise<void>>()

process.on('message', message => {
  const value = message as { type: string }
  if (value.type === 'flood') run(value as FloodStart).catch(error => { console.error(error); process.exit(1) })
  if (value.type === 'stop') stop().catch(error => { console.error(error); process.exit(1) })
})

async function run (init: FloodStart): Promise<void> {
  node = await createLibp2p({
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionMonitor: { enabled: false },
    services: { identify: identify() }
  })
  await node.start()
  const target = multiaddr(init.relay)
  timer = setInterval(() => {
    const one = flood(node as Libp2p, target, init.holdMs).finally(() => open.delete(one))
    open.add(one)
  }, 1000 / init.rate)
  setInterval(report, 2000).unref()
}

async function flood (from: Libp2p, target: ReturnType<typeof multiaddr>, holdMs: number): Promise<void> {
  counts.attempted++
  let connection: Connection | undefined
  try {
    connection = await from.dial(target, { force: true, signal: AbortSignal.timeout(10_000) })
    await new Promise(resolve => setTimeout(resolve, holdMs))
    if (connection.status === 'open') counts.admitted++
    else counts.refused++
  } catch (error) {
    counts.refused++
    const name = (error as Error).name
    errors[name] = (errors[name] ?? 0) + 1
  } finally {
    await connection?.close().catch(() => {})
  }
}

function report (): void {
  const message: FloodReport = { type: 'flood-report', ...counts, errors }
  errors = {}
  process.send?.(message)
}

async function stop (): Promise<void> {
  if (timer !== undefined) clearInterval(timer)
  await Promise.all(open)
  report()
  await node?.stop()
  process.send?.({ type: 'stopped' }, () => { process.exit(0) })
}
