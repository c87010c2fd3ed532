import { dhtKey } from '../../src/address/index.ts'
import { NetworkError, ReplicationError } from '../../src/errors.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import type { Cluster } from './cluster.ts'
import { acknowledge, checkInvariants } from './invariants.ts'
import type { Acknowledged } from './invariants.ts'
import { Random } from './random.ts'

export interface SeedReport {
  seed: number
  steps: string[]
  acknowledged: number
  refused: number
  problems: string[]
}

/**
 * One randomised fault run on a shared cluster: writes from two writers to a
 * few addresses, interleaved with kills, restarts, partitions, heals, message
 * drops and delays, all drawn from `seed`. Then the faults stop, everything
 * heals, the cluster settles, and the invariants are checked.
 */
export async function runSeed (cluster: Cluster, writers: SlurpPeer[], seed: number): Promise<SeedReport> {
  const steps: string[] = []
  try {
    return await faultRun(cluster, writers, seed, steps)
  } catch (error) {
    // A run that throws (an unexpected error from a put, a cluster that never
    // settles) is a failed run like any other: report it with its seed and steps.
    cluster.dropRate = 0
    cluster.maxDelayMs = 0
    return { seed, steps, acknowledged: 0, refused: 0, problems: [`the run threw ${(error as Error).name}: ${(error as Error).message}`] }
  }
}

async function faultRun (cluster: Cluster, writers: SlurpPeer[], seed: number, steps: string[]): Promise<SeedReport> {
  const random = new Random(seed)
  const acknowledged: Acknowledged = new Map()
  const addresses = Array.from({ length: 3 }, (_, i) => `ucxl://soak/s${seed}/a${i}`)
  let refused = 0
  cluster.dropRate = random.next() * 0.1
  cluster.maxDelayMs = random.int(15)
  steps.push(`faults drop=${cluster.dropRate.toFixed(3)} delay≤${cluster.maxDelayMs}ms`)
  // Strangers (no relay certificate) whose identities were ground to sit
  // closest to an address: they must never hold its records for the network,
  // nor make a relay drop its copy (issue 10 finding 1).
  const strangers: number[] = []
  if (random.next() < 0.3) {
    const target = await dhtKey(random.pick(addresses))
    const closerThan = cluster.live.map(relay => relay.libp2p.peerId)
    for (let s = 0; s < 3; s++) strangers.push(await cluster.addRelay({ closestTo: target, closerThan, certified: false }))
    steps.push(`3 strangers closest to ${target.slice(-6)}`)
  }
  const count = 6 + random.int(8)
  for (let i = 0; i < count; i++) {
    const began = Date.now()
    const roll = random.next()
    const members = cluster.slots.filter(slot => slot.certified && !slot.retired)
    const live = members.filter(slot => slot.relay !== undefined).map(slot => slot.index)
    const dead = members.filter(slot => slot.relay === undefined).map(slot => slot.index)
    if (roll < 0.5) {
      const writer = random.pick(writers)
      const address = random.pick(addresses)
      try {
        const result = await writer.put(address, { summary: `seed ${seed} step ${i}` }, { as: 'backend_developer' })
        acknowledge(acknowledged, address, result.version)
        steps.push(`write ${address.slice(-2)} by w${writers.indexOf(writer)}: acked by ${result.replicas}`)
      } catch (error) {
        if (!(error instanceof ReplicationError || error instanceof NetworkError)) throw error
        refused++
        steps.push(`write ${address.slice(-2)} by w${writers.indexOf(writer)}: refused (${(error as Error).name})`)
      }
    } else if (roll < 0.7 && live.length > 3) {
      const index = random.pick(live)
      await cluster.kill(index)
      steps.push(`kill r${index}`)
    } else if (roll < 0.8 && dead.length > 0) {
      const index = random.pick(dead)
      await cluster.restart(index)
      steps.push(`restart r${index}`)
    } else if (roll < 0.83) {
      const left = cluster.slots.map(slot => slot.index).filter(() => random.next() < 0.5)
      const right = cluster.slots.map(slot => slot.index).filter(index => !left.includes(index))
      const [w0, w1] = writers as [SlurpPeer, SlurpPeer]
      await cluster.partition([{ relays: left, peers: [w0] }, { relays: right, peers: [w1] }])
      steps.push(`partition [${left.join(',')}] | [${right.join(',')}]`)
    } else if (roll < 0.9) {
      // Certified relays join closest to an address, a repair pass runs
      // everywhere (as the timers would), and they die for good before the
      // cleanup grace is over: nobody may have dropped a copy on their word.
      const target = await dhtKey(random.pick(addresses))
      const joined: number[] = []
      const closerThan = cluster.live.map(relay => relay.libp2p.peerId)
      for (let j = 0; j < 3; j++) joined.push(await cluster.addRelay({ closestTo: target, closerThan }))
      await cluster.repairEverywhere()
      for (const index of joined) await cluster.retire(index)
      steps.push(`churn: r${joined.join(',r')} joined closest to ${target.slice(-6)}, repair, retired`)
    } else {
      await cluster.heal()
      steps.push('heal')
    }
    steps[steps.length - 1] += ` (${Date.now() - began} ms)`
  }
  cluster.dropRate = 0
  cluster.maxDelayMs = 0
  for (const index of strangers) await cluster.retire(index)
  const settling = Date.now()
  for (const slot of cluster.slots) await cluster.restart(slot.index)
  await cluster.heal()
  await cluster.settle(30_000)
  steps.push(`restart all, heal, settle (${Date.now() - settling} ms)`)
  const problems = await checkInvariants(cluster, acknowledged)
  await cluster.forget(await Promise.all(addresses.map(async address => await dhtKey(address))))
  return { seed, steps, acknowledged: [...acknowledged.values()].flat().length, refused, problems }
}
