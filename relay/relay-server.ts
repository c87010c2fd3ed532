import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { serveHttp } from '#serve'
import { RelayNode } from '../src/relay.ts'
import { createLevelStore } from '../src/store/level.node.ts'
import { createRelayApp } from './http/app.ts'
import { loadWebAssets } from './http/web-assets.ts'
import type { NetworkDir } from './network-dir.ts'
import { loadOrCreateNodeKey } from './node-identity.ts'
import { registerRelay } from './relay-registry.ts'

export interface RelayServerOptions {
  dir: NetworkDir
  listen: string[]
  /** host:port for the HTTP API, or undefined for none. */
  http?: { hostname: string, port: number }
  /** Where the relay keeps its identity and records (default DIR/relay). */
  data: string
  bootstrap: string[]
  replicationFactor?: number
  /** A folder holding the built web app, served at / over HTTP. */
  web?: string
}

export interface RunningRelay {
  relay: RelayNode
  peerId: string
  multiaddrs: string[]
  httpUrl?: string
  stop (): Promise<void>
}

/**
 * The relay process: identity and records on disk (LevelDB), the libp2p side,
 * the HTTP API. stop() closes in the order that loses nothing: stop taking
 * requests, then stop the node, then close the store.
 */
export async function startRelayServer (options: RelayServerOptions): Promise<RunningRelay> {
  const { rootPublicKey } = await options.dir.readNetwork()
  const policy = await options.dir.readPolicy()
  await mkdir(options.data, { recursive: true, mode: 0o700 })
  const privateKey = await loadOrCreateNodeKey(join(options.data, 'node.key'))
  const relay = new RelayNode({
    network: { rootPublicKey, policy },
    store: createLevelStore({ path: join(options.data, 'records') }),
    bootstrap: options.bootstrap,
    node: { privateKey, listen: options.listen }
  })
  await relay.start()
  let http: Awaited<ReturnType<typeof serveHttp>> | undefined
  try {
    if (options.http !== undefined) {
      const web = options.web === undefined ? undefined : await loadWebAssets(options.web)
      const app = createRelayApp({ relay, replicationFactor: options.replicationFactor ?? 3, ...(web === undefined ? {} : { web }) })
      http = await serveHttp(app, options.http)
    }
  } catch (error) {
    await relay.stop()
    throw error
  }
  const peerId = relay.libp2p.peerId.toString()
  const multiaddrs = relay.multiaddrs()
  const unregister = await registerRelay(options.dir.path, {
    peerId, multiaddrs, ...(http === undefined ? {} : { http: http.url }), pid: process.pid, startedAt: new Date().toISOString()
  })
  let stopping: Promise<void> | undefined
  return {
    relay,
    peerId,
    multiaddrs,
    ...(http === undefined ? {} : { httpUrl: http.url }),
    stop: async () => {
      stopping ??= (async () => {
        await unregister()
        await http?.close()
        await relay.stop()
      })()
      await stopping
    }
  }
}
