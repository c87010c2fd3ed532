import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dhtKey } from '../../src/address/index.ts'
import { requestRecord } from '../../src/net/record-protocol.ts'
import { validateRecord } from '../../src/record/validator.ts'
import { createLevelStore } from '../../src/store/level.node.ts'
import type { Section } from '../section.ts'
import { CIPHERTEXT_BYTES, READABLE_EVERY, bulkLoad, storeAddress } from './bulk-load.ts'
import { startPeer, startRelays, stopAll } from './cluster.ts'
import { contextDraft } from './draft.ts'
import { directoryBytes } from './disk.ts'
import { megabytes, settledRss } from './memory.ts'
import type { MeshNetwork } from './network.ts'
import { measured, runRounds } from './rounds.ts'
import type { RoundBudget } from './rounds.ts'

export const storageGroup = (records: number): string => `get from a relay holding ${records.toLocaleString('en-US')} records`

export interface StorageFacts {
  readonly records: number
  readonly recordBytes: number
  readonly loadSeconds: number
  readonly diskBytes: number
  /** Process RSS after a full GC: before the relay started, after loading, after the timed gets. */
  readonly rssBefore: number
  readonly rssLoaded: number
  readonly rssAfterGets: number
  readonly heapUsedLoaded: number
  readonly rounds: number
}

/**
 * One relay on LevelDB filled with `records` records, then read by a peer at
 * random keys. The relay, the peer and the bench loop share the process
 * (storage-child.ts runs it alone), so its RSS overstates a relay process's a
 * little; the delta from before the relay started is the relay's share plus
 * the peer's, which holds nothing per record.
 */
export async function meshStorage (network: MeshNetwork, records: number, budget: RoundBudget): Promise<{ section: Section, facts: StorageFacts }> {
  const directory = await mkdtemp(join(tmpdir(), 'slurp-bench-level-'))
  const rssBefore = settledRss()
  const [relay] = await startRelays(network, 1, () => createLevelStore({ path: directory }))
  if (relay === undefined) throw new Error('the storage relay did not start')
  const peers = []
  try {
    const loaded = await bulkLoad(relay.keeper, network, await network.member(['backend_developer']), records)
    const rssLoaded = settledRss()
    const heapUsedLoaded = process.memoryUsage().heapUsed
    const reader = await startPeer(network, [relay])
    peers.push(reader)
    const context = { rootPublicKey: network.rootPublicKey, policy: network.policy }
    const readable = Math.ceil(records / READABLE_EVERY)
    // Random indexes, not a key list: 100,000 keys held here would count as the relay's memory.
    const randomIndex = (range: number): number => Math.floor(Math.random() * range)
    const result = await runRounds(`mesh storage, ${records.toLocaleString('en-US')} records`, budget, [
      {
        id: 'fetch',
        run: async () => {
          const key = await dhtKey(storeAddress(randomIndex(records)))
          const answer = await requestRecord(reader.libp2p, relay.libp2p.peerId, { op: 'get', key })
          if (answer.status !== 'ok' || answer.records.length !== 1) throw new Error(`the relay does not hold ${key}`)
          await validateRecord(answer.records[0] as Uint8Array, context, key)
        }
      },
      {
        id: 'get',
        run: async () => {
          const index = randomIndex(readable) * READABLE_EVERY
          const { item } = await reader.get(storeAddress(index))
          if (item.summary !== contextDraft(index).summary) throw new Error(`get ${storeAddress(index)} returned another item`)
        }
      }
    ])
    const rssAfterGets = settledRss()
    // Closed first, so the size on disk is what LevelDB keeps (stopping again in finally is a no-op).
    await stopAll(peers, [relay])
    const facts: StorageFacts = {
      records,
      recordBytes: loaded.recordBytes,
      loadSeconds: loaded.seconds,
      diskBytes: await directoryBytes(directory),
      rssBefore,
      rssLoaded,
      rssAfterGets,
      heapUsedLoaded,
      rounds: result.rounds
    }
    const section: Section = {
      title: 'mesh: one relay on LevelDB, read by a peer',
      baselines: [],
      groups: [{
        label: storageGroup(records),
        rows: [
          { id: 'fetch', name: 'record get + validate (any key)', result: measured(result.samples.get('fetch') ?? []) },
          { id: 'get', name: 'slurp peer.get (readable keys)', result: measured(result.samples.get('get') ?? []) }
        ]
      }],
      notes: [
        `Loaded ${records.toLocaleString('en-US')} records (${loaded.recordBytes} bytes each around a ${CIPHERTEXT_BYTES}-byte ciphertext: one made by encryptForRole, random after its first line per record) through relay.keeper.put in ${loaded.seconds.toFixed(1)} s (${(records / loaded.seconds).toFixed(0)}/s, validated as from the network); ${megabytes(facts.diskBytes)} on disk.`,
        `Process RSS after a full GC: ${megabytes(rssBefore)} before the relay, ${megabytes(rssLoaded)} loaded (+${megabytes(rssLoaded - rssBefore)}), ${megabytes(rssAfterGets)} after the gets (+${megabytes(rssAfterGets - rssBefore)}); V8 heap in use when loaded: ${megabytes(heapUsedLoaded)}. This process (a child of the bench) holds the relay, the reading peer and the bench loop.`,
        `"record get" is the relay round trip and the peer's validation of the answer, at uniformly random keys; "peer.get" adds finding the relays (closestRelays) and decryption, on the 1 in ${READABLE_EVERY} records that are real. ${result.rounds} rounds.`
      ]
    }
    return { section, facts }
  } finally {
    await stopAll(peers, [relay])
    await rm(directory, { recursive: true, force: true })
  }
}
