import { NotLeaderError } from '../../../src/errors.ts'
import type { GenerationRequest, Priority, QueueCommand } from '../../../src/raft/queue-commands.ts'
import type { QueueResult } from '../../../src/raft/queue-machine.ts'
import type { Random } from '../../../src/raft/random.ts'
import type { Host, SimCluster } from './cluster.ts'

const PRIORITY_LIST: Priority[] = ['low', 'normal', 'high', 'urgent']

/**
 * Members asking for generation: each sends requests one after another to the
 * voter it believes leads, follows NotLeader hints, and on any doubt (timeout,
 * leadership lost, voter down) retries the same request id. Now and then it
 * sends an acknowledged request again, or the same content under a new id.
 */
export class SimClients {
  private stopped = false
  private readonly loops: Array<Promise<void>> = []
  submitted = 0
  retries = 0

  constructor (private readonly cluster: SimCluster, private readonly random: Random, private readonly count: number, private readonly requestsEach: number) {}

  start (): void {
    for (let c = 0; c < this.count; c++) {
      this.loops.push(this.loop(c).catch(error => { this.cluster.history.problem(`client ${c} threw ${(error as Error).message}`) }))
    }
  }

  stop (): void {
    this.stopped = true
  }

  private async loop (client: number): Promise<void> {
    const mine: string[] = []
    for (let k = 0; k < this.requestsEach && !this.stopped; k++) {
      const dependsOn = mine.length > 0 && this.random.next() < 0.3
        ? [...new Set([this.pick(mine), this.pick(mine)])]
        : []
      const request: GenerationRequest = {
        id: `c${client}-r${k}`,
        address: `ucxl://sim/src/f${Math.floor(this.random.next() * 12)}.ts`,
        role: 'backend_developer',
        priority: this.pick(PRIORITY_LIST),
        sourceHash: `h${Math.floor(this.random.next() * 3)}`,
        sourceKey: `source/${client}/${k}`,
        generatorVersion: 'static/1',
        dependsOn
      }
      if (await this.submit(request)) mine.push(request.id)
      // A retry of something already acknowledged: must change nothing.
      if (mine.length > 0 && this.random.next() < 0.2) {
        const again = this.pick(mine)
        await this.submit({ ...request, id: again, dependsOn: [] }, 2)
      }
      await this.cluster.scheduler.sleep(20 + this.random.next() * 300)
    }
  }

  private pick<T> (items: readonly T[]): T {
    return items[Math.floor(this.random.next() * items.length)] as T
  }

  /** Sends until acknowledged (true), refused (false) or the run moves on (false). */
  private async submit (request: GenerationRequest, attempts = Infinity): Promise<boolean> {
    const command: QueueCommand = { type: 'request', request }
    let target: string | undefined
    this.submitted++
    for (let attempt = 0; attempt < attempts && !this.stopped; attempt++) {
      if (attempt > 0) this.retries++
      const host = target === undefined ? this.pick(this.cluster.hosts) : this.cluster.host(target)
      try {
        const result = await this.call(host, command)
        if (result?.ok === true && result.type === 'request') {
          this.cluster.history.ack(request.id, result.canonicalId)
          this.cluster.hooks.acknowledged?.(host)
          return true
        }
        this.cluster.history.problem(`request ${request.id} refused: ${result?.ok === false ? result.reason : 'no result'}`)
        return false
      } catch (error) {
        target = error instanceof NotLeaderError ? error.leader : undefined
        await this.cluster.scheduler.sleep(target === undefined ? 30 + this.random.next() * 100 : 5)
      }
    }
    return false
  }

  private async call (host: Host, command: QueueCommand): Promise<QueueResult | undefined> {
    const cluster = this.cluster
    if (host.pausedUntil > cluster.now) await cluster.scheduler.sleep(host.pausedUntil - cluster.now)
    if (!host.alive || host.node === undefined) throw new Error(`${host.id} is down`)
    const controller = new AbortController()
    const cancel = cluster.scheduler.after(1500, () => { controller.abort() })
    try {
      return await host.node.propose(command, { signal: controller.signal })
    } finally {
      cancel()
    }
  }
}
