import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { RelayAudit } from '../src/audit/relay-audit.ts'
import { createCoordinator } from '../src/coordinator/coordinator.ts'
import type { Coordinator, CoordinatorInit } from '../src/coordinator/coordinator.ts'
import type { ElectionAuditSink } from '../src/coordinator/election-audit.ts'
import { voterPeerId, voterPrivateKey } from '../src/coordinator/voter-identity.ts'
import { fromBase64url, toBase64url } from '../src/encoding/base64url.ts'
import { UsageError } from '../src/errors.ts'
import { createGenerationWork } from '../src/leader/generation-work.ts'
import { createDraftMaker } from '../src/leader/draft-maker.ts'
import type { Generator } from '../src/generate/types.ts'
import { admitRequest } from '../src/leader/requests.ts'
import type { SlurpPeer } from '../src/peer.ts'
import { KVRaftStorage } from '../src/raft/kv-storage.ts'
import type { QueueCommand } from '../src/raft/queue-commands.ts'
import { createLevelStore } from '../src/store/level.node.ts'
import { serveHttp } from '#serve'
import { createCoordinatorApp } from './coordinator/coordinator-app.ts'
import { createCoordinatorMetrics } from './coordinator/coordinator-metrics.ts'
import { MetricsRegistry } from './metrics/registry.ts'
import type { NetworkDir } from './network-dir.ts'
import { openPeer } from './peer-from-dir.ts'
import { localCoordinators, registerCoordinator } from './relay-registry.ts'

export interface CoordinatorRuntimeOptions {
  dir: NetworkDir
  bootstrap: string[]
  /** Where this voter listens for the others (TCP). */
  listen: string[]
  /** Other voters' multiaddrs (ending in /p2p/ID), beside those running from the same directory. */
  voterAddrs: string[]
  /** The Raft log and snapshots (LevelDB). */
  data: string
  generator: Generator
  /** Generators' warnings (an LLM answer refused, a parser that gave up). */
  onWarning?: (message: string) => void
  concurrency?: number
  electionTimeoutMs?: number
  heartbeatMs?: number
  onEvent?: CoordinatorInit['onEvent']
  /** Serve /health, /status and /metrics here (port 0: a free one), and /v1/audit/* when the voter keeps its own audit log. */
  http?: { hostname: string, port: number }
  /**
   * The audit log the voter notes its elections and term changes in: the
   * relay's, when it runs inside one (`slurp relay --coordinator`). Without
   * one it keeps its own under `data`/audit, signed with the voter's key.
   */
  audit?: ElectionAuditSink
}

export interface CoordinatorRuntime {
  readonly peer: SlurpPeer
  readonly coordinator: Coordinator
  readonly peerId: string
  readonly multiaddrs: string[]
  readonly httpUrl?: string
  /** The voter's own audit log; undefined when it writes to the one it was given. */
  readonly audit?: RelayAudit
  stop: () => Promise<void>
}

/**
 * One voter as `slurp coordinator` runs it: a member peer whose libp2p
 * identity is its member key (the policy names voters by member key), the
 * Raft log in LevelDB, and the leader's work: generate, then store the record
 * for the requested role, fenced by term and request id.
 */
export async function startCoordinatorRuntime (options: CoordinatorRuntimeOptions): Promise<CoordinatorRuntime> {
  const { dir } = options
  const policy = await dir.readPolicy()
  const member = await dir.readMember()
  const self = toBase64url(member.signer.publicKey)
  const generation = policy.generation
  if (generation === undefined) throw new UsageError(`policy version ${policy.version} names no generation voters: set them with "slurp voters set"`)
  if (!generation.voters.includes(self)) throw new UsageError(`this directory's member (${self.slice(0, 12)}…) is not one of the policy's ${generation.voters.length} voters: see "slurp voters"`)
  if (!member.certificate.roles.includes(generation.leaderRole)) {
    throw new UsageError(`this member's certificate does not grant the leader role "${generation.leaderRole}"`)
  }
  const privateKey = await voterPrivateKey(await dir.readMemberSeed())
  const peer = await openPeer(dir, options.bootstrap, { node: { privateKey, listen: options.listen } })
  const store = createLevelStore({ path: join(options.data, 'raft') })
  // Its own store, not the Raft one: a voter whose Raft state is wiped to rejoin keeps its audit history.
  const auditStore = options.audit === undefined ? createLevelStore({ path: join(options.data, 'audit') }) : undefined
  // Checkpoints only: relays witness certified relays, not voters.
  const audit = auditStore === undefined ? undefined : new RelayAudit(auditStore, { witnessIntervalMs: 0, onError: error => { options.onWarning?.(`audit log: ${(error as Error).message}`) } })
  const notes = options.audit ?? audit
  let unregister: (() => Promise<void>) | undefined
  let coordinator: Coordinator | undefined
  let http: Awaited<ReturnType<typeof serveHttp>> | undefined
  const metrics = new MetricsRegistry()
  metrics.collectRuntimeMetrics()
  const status = (): ReturnType<Coordinator['status']> => (coordinator as Coordinator).status()
  const count = createCoordinatorMetrics(metrics, status)
  try {
    await store.open()
    await auditStore?.open()
    await audit?.open()
    const voters = generation.voters.map(key => voterPeerId(fromBase64url(key)).toString())
    await rememberVoters(peer, [...options.voterAddrs, ...(await localCoordinators(dir.path)).flatMap(entry => entry.multiaddrs)], voters)
    coordinator = createCoordinator({
      libp2p: peer.libp2p,
      voters,
      storage: new KVRaftStorage<QueueCommand>(store, 'raft/'),
      work: createGenerationWork({
        put: async (address, draft, putOptions) => await peer.put(address, draft, putOptions),
        makeDraft: createDraftMaker({
          generator: options.generator,
          readChild: async (address, { signal }) => (await peer.get(address, { signal }))?.item,
          ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning })
        }),
        leaderRole: generation.leaderRole,
        list: async ({ signal }) => { await peer.flushDirectory({ signal }) }
      }),
      admit: async request => { await admitRequest(request, { rootPublicKey: (await dir.readNetwork()).rootPublicKey, policy: peer.policy }) },
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.electionTimeoutMs === undefined ? {} : { electionTimeoutMs: options.electionTimeoutMs }),
      ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
      onEvent: event => {
        count(event)
        options.onEvent?.(event)
      },
      ...(notes === undefined ? {} : { audit: notes })
    })
    await coordinator.start()
    await audit?.start(peer.libp2p, { id: peer.peerId.toString(), sign: async data => await privateKey.sign(data) })
    if (options.http !== undefined) http = await serveHttp(createCoordinatorApp({ status, metrics, ...(audit === undefined ? {} : { audit }) }), options.http)
    const multiaddrs = peer.libp2p.getMultiaddrs().map(String)
    unregister = await registerCoordinator(dir.path, { peerId: peer.peerId.toString(), multiaddrs, ...(http === undefined ? {} : { http: http.url }), pid: process.pid, startedAt: new Date().toISOString() })
  } catch (error) {
    await http?.close()
    audit?.stop()
    await coordinator?.stop()
    await peer.stop()
    await audit?.close()
    await auditStore?.close()
    await store.close()
    throw error
  }
  const running = coordinator
  let stopping: Promise<void> | undefined
  return {
    peer,
    coordinator: running,
    peerId: peer.peerId.toString(),
    multiaddrs: peer.libp2p.getMultiaddrs().map(String),
    ...(http === undefined ? {} : { httpUrl: http.url }),
    ...(audit === undefined ? {} : { audit }),
    stop: async () => {
      stopping ??= (async () => {
        await unregister?.()
        await http?.close()
        audit?.stop()
        await running.stop()
        await peer.stop()
        // After the voter: its last term change is written before the store closes.
        await audit?.close()
        await auditStore?.close()
        await store.close()
      })()
      await stopping
    }
  }
}

/** Puts the voters' known addresses in the peer store, so Raft and forwarding can dial them by peer id. */
export async function rememberVoters (peer: SlurpPeer, addrs: readonly string[], voters: readonly string[]): Promise<void> {
  for (const text of addrs) {
    const address = multiaddr(text)
    const id = address.getComponents().findLast(component => component.name === 'p2p')?.value
    if (id === undefined || !voters.includes(id) || id === peer.peerId.toString()) continue
    await peer.libp2p.peerStore.merge(peerIdFromString(id), { multiaddrs: [address.decapsulate(`/p2p/${id}`)] })
  }
}
