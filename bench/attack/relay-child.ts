// First: libp2p needs Promise.withResolvers, which Node 20 lacks.
import '../../src/runtime/node-shim.ts'
import { generateRoleKey } from '../../src/crypto/generate.ts'
import { limitInbound, MAX_MESSAGE_BYTES } from '../../src/net/inbound-limits.ts'
import { RelayNode } from '../../src/relay.ts'
import { DEFAULT_ROLES } from '../../src/roles/defaults.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { signPolicy } from '../../src/trust/policy.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import type { InboundLimits } from '../../src/net/inbound-limits.ts'

/**
 * The relay under attack, in a process of its own so its RSS is its own: a
 * RelayNode with a memory store on loopback TCP. It prints its address as one
 * JSON line, then answers "measure" messages (IPC) with its memory and its
 * partial-frame accounting. With "unbounded" it lifts every inbound limit,
 * which is how request channels read frames before issue 10 finding 2.
 */
const unbounded = process.argv.includes('--unbounded')
const { key: root } = await generateSigningKey()
const roles = []
for (const role of DEFAULT_ROLES) roles.push({ ...role, recipient: (await generateRoleKey()).recipient })
const { policy } = await signPolicy(root, { roles })
const relay = new RelayNode({
  network: { rootPublicKey: root.publicKey, policy },
  store: createMemoryStore(),
  node: { listen: ['/ip4/127.0.0.1/tcp/0'] }
})
await relay.start()
// Streams opened from now on take these limits (they are looked up per stream).
let limits: InboundLimits = unbounded
  ? limitInbound(relay.libp2p, {
    partialBytes: Infinity,
    partialBytesUntrusted: Infinity,
    partialBytesPerPeer: Infinity,
    frameDeadlineMs: 2 ** 31 - 1,
    trusted: () => true,
    maxFrameBytes: () => MAX_MESSAGE_BYTES + 16
  })
  : limitInbound(relay.libp2p, { maxFrameBytes: () => policy.limits.maxRecordBytes + 1024 })
let peak = process.memoryUsage().rss
setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss) }, 50).unref()

process.on('message', (message: string) => {
  if (message === 'reset-peak') {
    globalThis.gc?.()
    peak = process.memoryUsage().rss
  }
  if (message === 'stop') {
    relay.stop().finally(() => process.exit(0)).catch(() => {})
    return
  }
  if (message === 'gc') globalThis.gc?.()
  limits = limits as InboundLimits
  process.send?.({
    rss: process.memoryUsage().rss,
    peakRss: Math.max(peak, process.memoryUsage().rss),
    budget: limits.budget.limit,
    partialHeld: limits.budget.held,
    partialPeak: limits.budget.peak,
    resets: limits.budget.resets
  })
})
console.log(JSON.stringify({ peerId: relay.libp2p.peerId.toString(), multiaddr: relay.multiaddrs()[0] }))
