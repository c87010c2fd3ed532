import { join } from 'node:path'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { RelayAudit } from '../../src/audit/relay-audit.ts'
import { createCoordinator } from '../../src/coordinator/coordinator.ts'
import type { Coordinator } from '../../src/coordinator/coordinator.ts'
import type { CoordinatorEvent } from '../../src/coordinator/types.ts'
import { voterPrivateKey } from '../../src/coordinator/voter-identity.ts'
import { FencedError } from '../../src/errors.ts'
import { createSlurpNode } from '../../src/net/node.ts'
import type { SlurpLibp2p } from '../../src/net/node.ts'
import { KVRaftStorage } from '../../src/raft/kv-storage.ts'
import type { GenerationRequest, QueueCommand } from '../../src/raft/queue-commands.ts'
import type { QueuedRequest } from '../../src/raft/queue-machine.ts'
import type { WorkContext } from '../../src/raft/queue-worker.ts'
import { createLevelStore } from '../../src/store/level.node.ts'
import type { KVStore } from '../../src/store/types.ts'

/**
 * Where the leader's work stores results in these tests: one slot per request
 * id, refusing a write from a lower term than the one it holds (the fencing a
 * relay does for generated records).
 */
export class FencedResults {
  readonly held = new Map<string, { term: number, writer: string }>()
  accepted = 0
  fenced = 0

  put (requestId: string, term: number, writer: string): void {
    const held = this.held.get(requestId)
    if (held !== undefined && term < held.term) {
      this.fenced++
      throw new FencedError(`result for ${requestId} from term ${term} refused: term ${held.term} is stored`)
    }
    this.accepted++
    this.held.set(requestId, { term, writer })
  }
}

export interface WorkCall {
  voter: string
  requestId: string
  term: number
  /** Set when the call ends: what happened to it. */
  end?: 'stored' | 'fenced'
  aborted?: boolean
}

export interface TestVoter {
  readonly name: string
  readonly id: string
  readonly key: PrivateKey
  readonly path: string
  address: string
  libp2p: SlurpLibp2p
  store: KVStore
  coordinator: Coordinator
  readonly events: CoordinatorEvent[]
  /** With ClusterOptions.audit: the voter's audit log, in its store, signed with its key (as `slurp coordinator` keeps one). */
  audit: RelayAudit | undefined
  running: boolean
}

export interface ClusterOptions {
  count?: number
  electionTimeoutMs?: number
  heartbeatMs?: number
  concurrency?: number
  /** Each voter notes its elections and term changes in an audit log of its own. */
  audit?: boolean
}

/** Voters on loopback TCP: real libp2p nodes, LevelDB under `root`, coordinators sharing one fenced result store. */
export class TestCluster {
  readonly voters: TestVoter[] = []
  readonly results = new FencedResults()
  readonly calls: WorkCall[] = []
  /** When set, each work call waits for it before it stores its result. */
  gate: ((call: WorkCall) => Promise<void>) | undefined

  private constructor (private readonly root: string, private readonly options: ClusterOptions) {}

  static async start (root: string, options: ClusterOptions = {}): Promise<TestCluster> {
    const cluster = new TestCluster(root, options)
    const keys = await Promise.all(Array.from({ length: options.count ?? 3 }, async () => await voterPrivateKey(crypto.getRandomValues(new Uint8Array(32)))))
    const ids = keys.map(key => peerIdFromPrivateKey(key).toString())
    for (const [i, key] of keys.entries()) {
      const path = join(root, `voter-${i}`)
      cluster.voters.push(await cluster.boot({ name: `v${i}`, id: ids[i] as string, key, path }, ids, '/ip4/127.0.0.1/tcp/0'))
    }
    await cluster.introduce()
    for (const voter of cluster.voters) await voter.coordinator.start()
    return cluster
  }

  get ids (): string[] {
    return this.voters.map(voter => voter.id)
  }

  private async boot (base: Pick<TestVoter, 'name' | 'id' | 'key' | 'path'>, ids: string[], listen: string): Promise<TestVoter> {
    const libp2p = await createSlurpNode({ kind: 'peer', privateKey: base.key, listen: [listen] })
    await libp2p.start()
    const store = createLevelStore({ path: base.path })
    await store.open()
    const events: CoordinatorEvent[] = []
    let audit: RelayAudit | undefined
    if (this.options.audit === true) {
      // Checkpoints when a test asks for one (audit.checkpoint()), never on a timer.
      audit = new RelayAudit(store, { checkpointIntervalMs: 3_600_000, witnessIntervalMs: 0 })
      await audit.open()
      await audit.start(libp2p, { id: base.id, sign: async data => await base.key.sign(data) })
    }
    const coordinator = createCoordinator({
      libp2p,
      voters: ids,
      storage: new KVRaftStorage<QueueCommand>(store),
      work: async (queued, context) => await this.work(base.name, queued, context),
      electionTimeoutMs: this.options.electionTimeoutMs ?? 300,
      heartbeatMs: this.options.heartbeatMs ?? 50,
      ...(this.options.concurrency === undefined ? {} : { concurrency: this.options.concurrency }),
      onEvent: event => { events.push(event) },
      ...(audit === undefined ? {} : { audit })
    })
    const address = (libp2p.getMultiaddrs()[0] as { toString: () => string }).toString().replace(/\/p2p\/[^/]+$/, '')
    return { ...base, address, libp2p, store, coordinator, events, audit, running: true }
  }

  /** Tells every running voter where the others listen. */
  private async introduce (): Promise<void> {
    for (const voter of this.voters) {
      if (!voter.running) continue
      for (const other of this.voters) {
        if (other !== voter) await voter.libp2p.peerStore.merge(other.libp2p.peerId, { multiaddrs: [multiaddr(other.address)] })
      }
    }
  }

  private async work (voter: string, queued: Readonly<QueuedRequest>, context: WorkContext): Promise<{ key: string, version: string }> {
    const call: WorkCall = { voter, requestId: queued.request.id, term: context.term }
    this.calls.push(call)
    context.signal.addEventListener('abort', () => { call.aborted = true }, { once: true })
    await this.gate?.(call)
    try {
      // Stored even when aborted: a late write from a deposed leader is exactly what fencing must stop.
      this.results.put(call.requestId, context.term, voter)
      call.end = 'stored'
    } catch (error) {
      call.end = 'fenced'
      throw error
    }
    return { key: `context/${call.requestId}`, version: `t${context.term}` }
  }

  /** Stops a voter the way a crash looks to the others: its libp2p node first, then everything else. */
  async kill (voter: TestVoter): Promise<void> {
    if (!voter.running) return
    voter.running = false
    await voter.libp2p.stop()
    voter.audit?.stop()
    await voter.coordinator.stop()
    await voter.audit?.close()
    await voter.store.close()
  }

  /** Starts a stopped voter again on the same address, key and disk. */
  async restart (voter: TestVoter): Promise<TestVoter> {
    const again = await this.boot(voter, this.ids, voter.address)
    this.voters[this.voters.indexOf(voter)] = again
    await this.introduce()
    await again.coordinator.start()
    return again
  }

  async stop (): Promise<void> {
    for (const voter of this.voters) await this.kill(voter)
  }

  get running (): TestVoter[] {
    return this.voters.filter(voter => voter.running)
  }

  /** The running voter every running voter agrees leads, holding its lease; undefined while they do not agree. */
  agreedLeader (): TestVoter | undefined {
    const statuses = this.running.map(voter => voter.coordinator.status())
    const leader = statuses[0]?.leader
    if (leader === undefined || statuses.some(status => status.leader !== leader || status.term !== statuses[0]?.term)) return undefined
    const voter = this.running.find(candidate => candidate.id === leader)
    return voter?.coordinator.status().lease === true ? voter : undefined
  }

  /** The entries of `voter`'s durable log that request `requestId`. */
  async requestEntries (voter: TestVoter, requestId: string): Promise<number> {
    let count = 0
    for await (const [, value] of voter.store.list('raft/log/')) {
      const entry = JSON.parse(new TextDecoder().decode(value)) as { command?: QueueCommand }
      if (entry.command?.type === 'request' && entry.command.request.id === requestId) count++
    }
    return count
  }
}

/** Polls `condition` until it holds; fails after `timeoutMs` with `what`. */
export async function until (condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

let counter = 0
export function generationRequest (overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  const n = ++counter
  return {
    id: `req-${n}-${Math.random().toString(36).slice(2)}`,
    address: `ucxl://project/src/file-${n}.ts`,
    role: 'backend_developer',
    priority: 'normal',
    sourceHash: `sha256-${n}`,
    sourceKey: `sources/${n}`,
    generatorVersion: 'static/1',
    dependsOn: [],
    ...overrides
  }
}
