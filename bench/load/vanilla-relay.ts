// First: libp2p needs Promise.withResolvers, which Node 20 lacks.
import '../../src/runtime/node-shim.ts'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'

/**
 * The reference: a plain js-libp2p relay as its documentation builds one
 * (TCP, Noise, yamux, identify, ping, kad-dht in server mode, circuit relay
 * v2), with limits raised so admission is not what is measured: 10,000
 * connections, 1,000 handshakes at once, no per-host rate, 1,024
 * reservations. Its connection monitor is js-libp2p's default. A plain
 * node:http server answers /health. Prints a ready line like `slurp relay`.
 */
const node = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  connectionManager: { maxConnections: 10_000, maxIncomingPendingConnections: 1000, inboundConnectionThreshold: 100_000 },
  services: {
    identify: identify(),
    ping: ping(),
    dht: kadDHT({
      clientMode: false,
      peerInfoMapper: passthroughMapper,
      validators: { bench: async () => {} },
      selectors: { bench: () => 0 }
    }),
    relay: circuitRelayServer({ reservations: { maxReservations: 1024 } })
  }
})
await node.start()
const http = createServer((request, response) => {
  response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'application/json' })
  response.end(JSON.stringify({ status: 'ok', peerId: node.peerId.toString(), connections: node.getConnections().length }))
})
await new Promise<void>(resolve => http.listen(0, '127.0.0.1', resolve))
const port = (http.address() as AddressInfo).port
console.log(JSON.stringify({ event: 'ready', peerId: node.peerId.toString(), multiaddrs: node.getMultiaddrs().map(String), http: `http://127.0.0.1:${port}` }))
const stop = (): void => {
  http.close()
  Promise.resolve(node.stop()).finally(() => process.exit(0)).catch(() => {})
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
