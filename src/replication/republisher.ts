import type { PeerId } from '@libp2p/interface'
import { closestRelays, sortByDistance } from '../net/closest.ts'
import { askClosest } from '../net/fan-out.ts'
import { requestRecord } from '../net/record-protocol.ts'
import type { RelayNode } from '../relay.ts'

export interface RepublishInit {
  /** k: how many relays should hold each record. Default 3. */
  replicationFactor?: number
  /** How often to push everything held to its current closest relays. Default 1 h. */
  intervalMs?: number
  /** Records pushed at once. Default 8. */
  concurrency?: number
}

export interface RepublishReport {
  keys: number
  pushed: number
  failed: number
  /** The first few failures, for operators. */
  errors: string[]
  durationMs: number
}

/**
 * Pushes every record a relay holds to the k relays now closest to its key.
 * Relays that already hold it answer "duplicate" at the cost of one validation;
 * relays that joined since, or lost it, get it back. This keeps records where
 * lookups go looking for them as the relay set changes.
 */
export class Republisher {
  readonly replicationFactor: number
  private timer: ReturnType<typeof setInterval> | undefined
  private running: Promise<RepublishReport> | undefined
  lastReport: RepublishReport | undefined

  constructor (private readonly relay: RelayNode, private readonly init: RepublishInit = {}) {
    this.replicationFactor = init.replicationFactor ?? 3
  }

  /** Idempotent. */
  start (): void {
    if (this.timer !== undefined) return
    this.timer = setInterval(() => { this.republish().catch(() => {}) }, this.init.intervalMs ?? 3_600_000)
  }

  /** Idempotent; an ongoing pass finishes on its own. */
  stop (): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }

  /** One pass over everything held; concurrent calls share one pass. */
  async republish (options: { signal?: AbortSignal } = {}): Promise<RepublishReport> {
    this.running ??= this.pass(options).finally(() => { this.running = undefined })
    return await this.running
  }

  private async pass (options: { signal?: AbortSignal }): Promise<RepublishReport> {
    const started = Date.now()
    const report: RepublishReport = { keys: 0, pushed: 0, failed: 0, errors: [], durationMs: 0 }
    const fail = (peer: PeerId, reason: string): void => {
      report.failed++
      if (report.errors.length < 10) report.errors.push(`${peer.toString()}: ${reason}`)
    }
    const keys: string[] = []
    for await (const key of this.relay.keeper.keys(options)) keys.push(key)
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < keys.length) {
        options.signal?.throwIfAborted()
        const key = keys[next++] as string
        report.keys++
        // Ourselves included: when we are among the k closest, one slot is ours.
        const candidates = await closestRelays(this.relay.libp2p, this.relay.libp2p.services.dht, key, this.replicationFactor * 2, options)
        const self = this.relay.libp2p.peerId
        const ranked = sortByDistance(new TextEncoder().encode(key), [self, ...candidates])
        const records = await this.relay.keeper.get(key, options)
        const others = ranked.filter(peer => !peer.equals(self))
        const slots = this.replicationFactor - (ranked.slice(0, this.replicationFactor).some(peer => peer.equals(self)) ? 1 : 0)
        const { answers, failures } = await askClosest(others, slots, async (peer: PeerId) => {
          for (const record of records) {
            const answer = await requestRecord(this.relay.libp2p, peer, { op: 'put', key, record }, options)
            // Stale means the target holds something newer: nothing to push.
            if (answer.status !== 'ok' && answer.code !== 'ERR_STALE_RECORD') fail(peer, `${answer.code}: ${answer.message}`)
            else report.pushed++
          }
        })
        if (answers.length < slots) for (const { peer, error } of failures) fail(peer, error.message)
      }
    }
    await Promise.all(Array.from({ length: this.init.concurrency ?? 8 }, worker))
    report.durationMs = Date.now() - started
    this.lastReport = report
    return report
  }
}
