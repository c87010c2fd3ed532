import type { PeerId } from '@libp2p/interface'
import { sha256 } from '@noble/hashes/sha2.js'
import { toBase64url } from '../encoding/base64url.ts'
import { NetworkError, SlurpError, throwIfAborted } from '../errors.ts'
import { closestRelays } from '../net/closest.ts'
import { askClosest } from '../net/fan-out.ts'
import type { SlurpLibp2p } from '../net/node.ts'
import { requestRecord } from '../net/record-protocol.ts'
import type { RecordResponse } from '../net/record-messages.ts'
import type { NetworkFaults, SendOptions } from '../net/request-response.ts'
import type { RecordEnvelope } from '../record/envelope.ts'
import { mergeVersion } from '../record/siblings.ts'
import { validateRecord } from '../record/validator.ts'
import type { ValidationContext } from '../record/validator.ts'

export interface Fetched {
  readonly siblings: RecordEnvelope[]
  /** How many relays returned each version, by signature. */
  readonly holders: Map<string, number>
  readonly answered: number
  readonly asked: number
  /** Answers from the replicationFactor closest candidates: the relays responsible, as far as this peer knows. */
  readonly closestAnswered: number
}

export interface RelayReadsInit {
  readonly libp2p: () => SlurpLibp2p
  readonly replicationFactor: number
  /** The policy of the moment: it follows the mesh. */
  readonly validation: () => ValidationContext
  readonly faults?: NetworkFaults
  /** How long a DHT lookup for relays may take when too few are known. */
  readonly lookupTimeoutMs?: number
}

/**
 * How a peer finds the relays for a key and reads what they hold: every
 * version verified here too (a relay is trusted to store, never to vouch).
 */
export class RelayReads {
  constructor (private readonly init: RelayReadsInit) {}

  send (signal?: AbortSignal): SendOptions {
    return { ...(signal === undefined ? {} : { signal }), ...(this.init.faults === undefined ? {} : { faults: this.init.faults }) }
  }

  /** The relays to ask for `key`, closest first, with stand-ins for unreachable ones. */
  async candidates (key: string, signal?: AbortSignal): Promise<PeerId[]> {
    const node = this.init.libp2p()
    const k = this.init.replicationFactor
    // Stand-ins are asked for, but a lookup is only worth its cost when fewer than k relays are known.
    const relays = await closestRelays(node, node.services.dht, key, k * 2, {
      lookupBelow: k,
      ...(signal === undefined ? {} : { signal }),
      ...(this.init.lookupTimeoutMs === undefined ? {} : { lookupMs: this.init.lookupTimeoutMs })
    })
    if (relays.length === 0) throw new NetworkError('no certified relays are reachable: check the bootstrap addresses, and that the relays hold relay certificates from this network\'s root')
    return relays
  }

  /** Every version the relays hold for `key`, each verified, merged into one sibling set. */
  async fetch (key: string, relays: PeerId[], signal?: AbortSignal): Promise<Fetched> {
    throwIfAborted(signal)
    const k = this.init.replicationFactor
    const { answers, failures } = await askClosest(relays, k, async relay =>
      await requestRecord(this.init.libp2p(), relay, { op: 'get', key }, this.send(signal)))
    const ok = answers.map(answer => answer.value).filter(answer => answer.status === 'ok')
    const { siblings, holders } = await this.verifiedVersions(key, ok)
    const closest = new Set(relays.slice(0, k).map(String))
    const closestAnswered = answers.filter(answer => answer.value.status === 'ok' && closest.has(answer.peer.toString())).length
    return { siblings, holders, answered: ok.length, asked: answers.length + failures.length, closestAnswered }
  }

  /** Each distinct version the relays let go for newer ones (their history), verified; not merged. */
  async history (key: string, relays: PeerId[], signal?: AbortSignal): Promise<RecordEnvelope[]> {
    const { answers } = await askClosest(relays, this.init.replicationFactor, async relay =>
      await requestRecord(this.init.libp2p(), relay, { op: 'history', key }, this.send(signal)))
    const versions = new Map<string, RecordEnvelope>()
    for (const answer of answers) {
      if (answer.value.status !== 'ok') continue
      for (const bytes of answer.value.records) {
        const same = toBase64url(sha256(bytes))
        if (versions.has(same)) continue
        try {
          versions.set(same, await validateRecord(bytes, this.init.validation(), key, { origin: 'replica' }))
        } catch (error) {
          if (!(error instanceof SlurpError)) throw error
        }
      }
    }
    return [...versions.values()]
  }

  /**
   * The versions in relays' answers, each verified here (a relay's word is not
   * enough) and merged by version order, with how many answers held each.
   * An invalid record is skipped: it cannot be served as truth.
   */
  async verifiedVersions (key: string, answers: readonly RecordResponse[]): Promise<{ siblings: RecordEnvelope[], holders: Map<string, number> }> {
    let siblings: readonly RecordEnvelope[] = []
    const holders = new Map<string, number>()
    // The k relays mostly return the same bytes: each distinct record is verified once.
    const judged = new Map<string, RecordEnvelope | undefined>()
    for (const answer of answers) {
      for (const bytes of answer.records) {
        const same = toBase64url(sha256(bytes))
        let envelope = judged.get(same)
        if (!judged.has(same)) {
          try {
            // Judged at its signed time: a record outlives its author's certificate.
            envelope = await validateRecord(bytes, this.init.validation(), key, { origin: 'replica' })
          } catch (error) {
            if (!(error instanceof SlurpError)) throw error
          }
          judged.set(same, envelope)
        }
        if (envelope === undefined) continue
        const id = toBase64url(envelope.signature)
        holders.set(id, (holders.get(id) ?? 0) + 1)
        siblings = mergeVersion(siblings, envelope).siblings
      }
    }
    return { siblings: [...siblings], holders }
  }
}
