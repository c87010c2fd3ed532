import { mkdir, readFile } from 'node:fs/promises'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { join } from 'node:path'
import { serveHttp } from '#serve'
import { fromBase64url } from '../src/encoding/base64url.ts'
import { UsageError } from '../src/errors.ts'
import { RelayNode } from '../src/relay.ts'
import { certifyWithRoot, decodeRelayCertificate } from '../src/trust/relay-certificate.ts'
import type { RelayCertificate } from '../src/trust/relay-certificate.ts'
import { createLevelStore } from '../src/store/level.node.ts'
import { createDiskGuard } from './disk-guard.ts'
import { createRelayApp } from './http/app.ts'
import { loadWebAssets } from './http/web-assets.ts'
import { createProcessMetrics } from './metrics/process-metrics.ts'
import type { NetworkDir } from './network-dir.ts'
import { explainHttpListenError, explainListenError } from './listen-errors.ts'
import { loadOrCreateNodeKey } from './node-identity.ts'
import { registerRelay } from './relay-registry.ts'
import { keepPolicy, newestPolicy } from './policy-files.ts'
import { serveBackupReads } from './backup/read-protocol.ts'
import { startRelayBackups } from './backup/relay-backups.ts'
import type { ScheduledBackupOptions } from './backup/relay-backups.ts'
import type { BackupSchedule } from './backup/schedule.ts'
import type { ConnectionGuardInit } from '../src/net/connection-guard.ts'
import type { HttpLimits } from './http/serve-types.ts'

export interface RelayServerOptions {
  dir: NetworkDir
  listen: string[]
  /**
   * The multiaddrs peers are told to dial instead of the listening ones: the
   * public address of a relay behind NAT, a load balancer or a proxy that
   * terminates TLS (/dns4/relay.example.com/tcp/443/wss).
   */
  announce?: string[]
  /** host:port for the HTTP API, or undefined for none. */
  http?: { hostname: string, port: number }
  /** Where the relay keeps its identity and records (default DIR/relay). */
  data: string
  bootstrap: string[]
  replicationFactor?: number
  /** A folder holding the built web app, served at / over HTTP. */
  web?: string
  /**
   * This relay's certificate (base64url, or a file holding it), from the
   * admin's `slurp certify-relay`. Without one, a network directory holding
   * the root key certifies its own relay.
   */
  certificate?: string
  /** Writes are refused while less than this is free under `data` (default 256 MiB). */
  minFreeBytes?: number
  /** Backups of this relay's records on a cron schedule (UTC), see relay/backup. */
  backup?: ScheduledBackupOptions
  /** Who may hold the relay's libp2p connections (src/net/connection-guard.ts); defaults sized for a small server. */
  connections?: ConnectionGuardInit
  /** The HTTP server's connection cap and timeouts (http/connection-cap.ts). */
  httpLimits?: HttpLimits
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
  await mkdir(options.data, { recursive: true, mode: 0o700 })
  const keptPolicy = join(options.data, 'policy.json')
  const { policy, signed } = await newestPolicy(options.dir, [keptPolicy])
  const privateKey = await loadOrCreateNodeKey(join(options.data, 'node.key'))
  const disk = createDiskGuard({ path: options.data, ...(options.minFreeBytes === undefined ? {} : { minFreeBytes: options.minFreeBytes }) })
  const relay = new RelayNode({
    network: { rootPublicKey, policy, signedPolicy: signed },
    onPolicy: newer => { keepPolicy(keptPolicy, newer).catch(() => {}) },
    certificate: await relayCertificateFor(options, peerIdFromPrivateKey(privateKey)),
    store: createLevelStore({ path: join(options.data, 'records') }),
    storage: disk,
    bootstrap: options.bootstrap,
    node: {
      privateKey,
      listen: options.listen,
      ...(options.announce === undefined || options.announce.length === 0 ? {} : { announce: options.announce }),
      ...(options.connections === undefined ? {} : { connections: options.connections })
    }
  })
  try {
    await relay.start()
  } catch (error) {
    await relay.stop().catch(() => {})
    throw explainListenError(error)
  }
  let http: Awaited<ReturnType<typeof serveHttp>> | undefined
  let backups: BackupSchedule | undefined
  try {
    // Members with the admin or backup role read what this relay holds (slurp backup create through the mesh).
    await serveBackupReads(relay.libp2p, { keeper: relay.keeper, rootPublicKey, policy: () => relay.currentPolicy })
    if (options.backup !== undefined) backups = startRelayBackups({ ...options.backup, relay, privateKey })
    if (options.http !== undefined) {
      const web = options.web === undefined ? undefined : await loadWebAssets(options.web)
      const app = createRelayApp({ relay, metrics: createProcessMetrics({ disk }), replicationFactor: options.replicationFactor ?? 3, ...(web === undefined ? {} : { web }) })
      const where = options.http
      http = await serveHttp(app, { ...where, ...(options.httpLimits === undefined ? {} : { limits: options.httpLimits }) }).catch(error => { throw explainHttpListenError(error, where) })
    }
  } catch (error) {
    backups?.stop()
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
        // A backup in progress finishes before the store closes under it.
        backups?.stop()
        await backups?.idle()
        await relay.stop()
      })()
      await stopping
    }
  }
}

/**
 * The certificate a relay announces: the one given, or, for an operator whose
 * network directory holds the root key, one it issues itself (no extra step
 * for a single operator). Otherwise the relay would run unseen by the network,
 * so it refuses to start and says how to get one.
 */
async function relayCertificateFor (options: RelayServerOptions, peerId: PeerId): Promise<RelayCertificate | ((peerId: PeerId) => Promise<RelayCertificate>)> {
  if (options.certificate !== undefined) {
    const text = /^[A-Za-z0-9_-]+$/.test(options.certificate.trim()) ? options.certificate : await readFile(options.certificate, 'utf8')
    return decodeRelayCertificate(fromBase64url(text.trim()))
  }
  if (await options.dir.hasRootKey()) return certifyWithRoot(await options.dir.readRootKey())
  throw new UsageError([
    `this relay (peer id ${peerId.toString()}) has no relay certificate, and ${options.dir.path} holds no root key to issue one.`,
    `On the admin's machine run:  slurp certify-relay ${peerId.toString()} > relay.cert`,
    'then start it with --certificate relay.cert (or SLURP_RELAY_CERTIFICATE).'
  ].join('\n'))
}
