import type { Random } from '../../../src/raft/random.ts'
import type { Host, SimCluster } from './cluster.ts'
import { CALM } from './network.ts'

export type Action =
  | 'kill-leader' | 'kill-any' | 'partition-leader' | 'one-way' | 'flap'
  | 'pause-leader' | 'clock-jump' | 'message-faults' | 'heal'

export interface Profile {
  name: string
  /** Relative weights of the scheduled faults. */
  actions: Partial<Record<Action, number>>
  /** Milliseconds between scheduled faults: [min, max). */
  gapMs: [number, number]
  /** Chances of the faults triggered from inside the run. */
  killOnAck: number
  killOnWorkStart: number
  killOnResultStored: number
  /** A voter crashes after deciding to grant a vote and before the vote is on disk. */
  voteCrash: number
  /** Any other write is lost with the voter. */
  writeCrash: number
  /** How long a crashed voter stays down: [min, max) ms. */
  downMs: [number, number]
}

/** Everything the issue asks for, mixed. */
export const MIXED: Profile = {
  name: 'mixed',
  actions: { 'kill-leader': 3, 'kill-any': 2, 'partition-leader': 3, 'one-way': 2, flap: 2, 'pause-leader': 2, 'clock-jump': 1, 'message-faults': 3, heal: 2 },
  gapMs: [150, 900],
  killOnAck: 0.04,
  killOnWorkStart: 0.02,
  killOnResultStored: 0.03,
  voteCrash: 0.15,
  writeCrash: 0.002,
  downMs: [50, 2000]
}

/**
 * Elections under stress, for the mutation test: voters crash between
 * granting a vote and writing it, and come back quickly; messages get lost
 * so that candidates overlap.
 */
export const VOTES: Profile = {
  name: 'votes',
  actions: { 'kill-leader': 4, 'partition-leader': 2, 'message-faults': 3, 'one-way': 1, heal: 1 },
  gapMs: [100, 600],
  killOnAck: 0.05,
  killOnWorkStart: 0,
  killOnResultStored: 0,
  voteCrash: 0.6,
  writeCrash: 0,
  downMs: [5, 200]
}

/**
 * Faults on a schedule during the chaos window, plus the hooks that strike at
 * chosen moments: between an acknowledgement and the claim, between a claim
 * and its completion, between a vote and its write.
 */
export class Nemesis {
  private active = false

  constructor (private readonly cluster: SimCluster, private readonly random: Random, readonly profile: Profile) {}

  start (untilMs: number): void {
    this.active = true
    const cluster = this.cluster
    const profile = this.profile
    const chance = (p: number): boolean => this.active && p > 0 && this.random.next() < p
    cluster.hooks = {
      acknowledged: () => { if (chance(profile.killOnAck)) this.killLeader('between acknowledgement and claim') },
      workStarted: host => { if (chance(profile.killOnWorkStart)) this.kill(host, 'between claim and completion') },
      resultStored: host => { if (chance(profile.killOnResultStored)) this.kill(host, 'after storing a result, before reporting it') },
      crashBeforeWrite: (host, kind, hard) => {
        if (kind === 'hard' && hard?.votedFor !== undefined && hard.votedFor !== host.id && chance(profile.voteCrash)) {
          cluster.stats.voteCrashes++
          cluster.fault('crash between vote and its write')
          this.restartLater(host)
          return true
        }
        if (chance(profile.writeCrash)) {
          cluster.fault(`crash before a ${kind} write`)
          this.restartLater(host)
          return true
        }
        return false
      }
    }
    const next = (): void => {
      const at = cluster.now + this.between(profile.gapMs)
      if (at >= untilMs) return
      cluster.scheduler.at(at, () => {
        if (!this.active) return
        this.act(this.choose())
        next()
      })
    }
    next()
  }

  /** Faults stop; everything heals, every voter runs again. */
  stop (): void {
    this.active = false
    const cluster = this.cluster
    cluster.hooks = {}
    cluster.network.heal()
    cluster.network.faults = { ...CALM }
    for (const host of cluster.hosts) {
      host.pausedUntil = 0
      if (!host.alive) cluster.boot(host).catch(error => { cluster.history.problem(`restart of ${host.id} failed: ${(error as Error).message}`) })
    }
    cluster.step('heal everything, restart every voter')
  }

  private between ([min, max]: [number, number]): number {
    return min + this.random.next() * (max - min)
  }

  private choose (): Action {
    const entries = Object.entries(this.profile.actions) as Array<[Action, number]>
    let roll = this.random.next() * entries.reduce((sum, [, weight]) => sum + weight, 0)
    for (const [action, weight] of entries) {
      roll -= weight
      if (roll < 0) return action
    }
    return (entries[0] as [Action, number])[0]
  }

  private restartLater (host: Host): void {
    this.cluster.restartAfter(host, this.between(this.profile.downMs))
  }

  private kill (host: Host, why: string): void {
    this.cluster.fault(`kill: ${why}`)
    this.cluster.crash(host, why)
    this.restartLater(host)
  }

  private killLeader (why: string): void {
    const leader = this.cluster.leader
    if (leader !== undefined) this.kill(leader, why)
  }

  private act (action: Action): void {
    const cluster = this.cluster
    if (!['kill-leader', 'kill-any'].includes(action)) cluster.fault(action)
    const ids = cluster.hosts.map(host => host.id)
    const leader = cluster.leader
    const electionMs = cluster.options.raft?.electionTimeoutMs ?? 750
    switch (action) {
      case 'kill-leader':
        if (leader !== undefined) this.kill(leader, 'the leader')
        break
      case 'kill-any': {
        const live = cluster.hosts.filter(host => host.alive)
        if (live.length > 0) this.kill(live[Math.floor(this.random.next() * live.length)] as Host, 'any voter')
        break
      }
      case 'partition-leader': {
        if (leader === undefined) break
        // The leader keeps running, with a minority at most.
        const others = ids.filter(id => id !== leader.id)
        const withLeader = others.filter(() => this.random.next() < 0.25).slice(0, Math.floor((ids.length - 1) / 2) - 1)
        const side = [leader.id, ...withLeader]
        cluster.network.partition(side, ids.filter(id => !side.includes(id)))
        cluster.step(`partition [${side.join(',')}] from the rest`)
        this.healAfter(this.between([300, 3000]))
        break
      }
      case 'one-way': {
        const target = leader !== undefined && this.random.next() < 0.6 ? leader.id : ids[Math.floor(this.random.next() * ids.length)] as string
        const inbound = this.random.next() < 0.5
        for (const other of ids) {
          if (other === target) continue
          if (inbound) cluster.network.cutLink(other, target)
          else cluster.network.cutLink(target, other)
        }
        cluster.step(`one-way: ${target} ${inbound ? 'hears nobody' : 'reaches nobody'}`)
        this.healAfter(this.between([300, 3000]))
        break
      }
      case 'flap': {
        const a = leader?.id ?? ids[0] as string
        const b = ids.filter(id => id !== a)[Math.floor(this.random.next() * (ids.length - 1))] as string
        const until = cluster.now + this.between([500, 2500])
        const period = this.between([15, 120])
        cluster.step(`flap ${a}<->${b} every ${period.toFixed(0)} ms`)
        const toggle = (down: boolean): void => {
          if (!this.active || cluster.now >= until) {
            cluster.network.healLink(a, b)
            cluster.network.healLink(b, a)
            return
          }
          if (down) {
            cluster.network.cutLink(a, b)
            cluster.network.cutLink(b, a)
          } else {
            cluster.network.healLink(a, b)
            cluster.network.healLink(b, a)
          }
          cluster.scheduler.after(period, () => { toggle(!down) })
        }
        toggle(true)
        break
      }
      case 'pause-leader':
        // Past its lease: when it wakes it must not act on a leadership that is gone.
        if (leader !== undefined) cluster.pause(leader, this.between([electionMs, electionMs * 3]))
        break
      case 'clock-jump': {
        const host = cluster.hosts[Math.floor(this.random.next() * cluster.hosts.length)] as Host
        const jump = (this.random.next() < 0.5 ? -1 : 1) * this.between([100, 5000])
        host.clockOffset += jump
        cluster.history.clockJumped = true
        cluster.step(`clock of ${host.id} jumps ${jump > 0 ? 'forward' : 'back'} ${Math.abs(jump).toFixed(0)} ms`)
        break
      }
      case 'message-faults': {
        cluster.network.faults = {
          dropRate: this.random.next() * 0.3,
          duplicateRate: this.random.next() * 0.2,
          minDelayMs: 1,
          maxDelayMs: 3 + this.random.next() * 40,
          longDelayRate: this.random.next() * 0.15,
          longDelayMs: this.between([50, 600])
        }
        const faults = cluster.network.faults
        cluster.step(`messages: drop ${(faults.dropRate * 100).toFixed(0)}%, duplicate ${(faults.duplicateRate * 100).toFixed(0)}%, delay ≤${faults.maxDelayMs.toFixed(0)} ms, ${(faults.longDelayRate * 100).toFixed(0)}% held ≤${faults.longDelayMs.toFixed(0)} ms more`)
        cluster.scheduler.after(this.between([500, 3000]), () => { if (this.active) cluster.network.faults = { ...CALM } })
        break
      }
      case 'heal':
        cluster.network.heal()
        cluster.step('heal the network')
        break
    }
  }

  private healAfter (ms: number): void {
    this.cluster.scheduler.after(ms, () => {
      if (!this.active) return
      this.cluster.network.heal()
      this.cluster.step('heal the network')
    })
  }
}
