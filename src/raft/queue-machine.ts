import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import { parseQueueCommand, PRIORITIES } from './queue-commands.ts'
import type { GenerationRequest, GenerationResult, Priority, QueueCommand } from './queue-commands.ts'
import type { StateMachine } from './state-machine.ts'
import type { Entry } from './types.ts'

export type RequestState = 'pending' | 'in-flight' | 'done' | 'failed'

/** One request as the queue holds it. */
export interface QueuedRequest {
  /** Replaced without its source once finished. */
  request: GenerationRequest
  /** Arrival order: first come first served within a priority. */
  readonly seq: number
  state: RequestState
  /** The term of the latest claim (0: never claimed): completions from a lower term are refused. */
  claimTerm: number
  attempts: number
  result?: GenerationResult & { readonly term: number }
  failure?: string
}

export type QueueResult =
  | { readonly ok: true, readonly type: 'request', readonly outcome: 'queued' | 'duplicate' | 'deduplicated', readonly requestId: string, readonly canonicalId: string }
  | { readonly ok: true, readonly type: 'claim' | 'requeue', readonly ids: readonly string[] }
  | { readonly ok: true, readonly type: 'complete' | 'fail', readonly requestId: string }
  | { readonly ok: false, readonly reason: string }

export interface QueueStatus {
  /** The highest leader term the queue has seen. */
  term: number
  pending: Record<Priority, number>
  inFlight: number
  done: number
  failed: number
  /** Request ids that pointed to an existing request (duplicates of content). */
  aliases: number
}

const FORMAT = 'slurp-queue/1'

interface SnapshotForm {
  format: typeof FORMAT
  term: number
  nextSeq: number
  requests: QueuedRequest[]
  aliases: Array<[string, string]>
}

function contentKey (request: GenerationRequest): string {
  return JSON.stringify([request.address, request.sourceHash, request.generatorVersion])
}

const refused = (reason: string): QueueResult => ({ ok: false, reason })

/** A finished request needs its source no more: snapshots stay small. */
function dropSource (queued: QueuedRequest): void {
  if (queued.request.source === undefined) return
  const { source: _, ...rest } = queued.request
  queued.request = rest
}

/**
 * The generation queue, replicated by Raft: every voter applies the same
 * commands in the same order and holds the same queue, so a new leader
 * resumes where the old one stopped (the "state transfer" of seed 002 is this
 * machine's snapshot).
 *
 * - Deduplication: a request id seen before changes nothing (client retries);
 *   the same address, source hash and generator version as a live or done
 *   request points to that request instead of queueing another.
 * - Claims go by priority, then arrival; a request waits until every request
 *   it depends on is done or failed.
 * - Fencing: work belongs to the term that claimed it. A new term requeues what
 *   an older one had in flight, and a completion from a term lower than the
 *   latest claim is refused.
 */
export class QueueMachine implements StateMachine<QueueCommand, QueueResult, QueueStatus> {
  private term = 0
  private nextSeq = 1
  private requests = new Map<string, QueuedRequest>()
  private aliases = new Map<string, string>()
  // Derived from the above (rebuilt on restore).
  private byContent = new Map<string, string>()
  private pending = new Map<Priority, QueuedRequest[]>(PRIORITIES.map(priority => [priority, []]))
  private inFlight = new Set<string>()
  private counts = { done: 0, failed: 0 }

  apply (entry: Entry<QueueCommand>): QueueResult | undefined {
    if (entry.term > this.term) {
      // A new leader: whatever an older term had in flight goes back to the
      // queue, and that term's late completions will be refused.
      this.term = entry.term
      for (const id of [...this.inFlight]) {
        const queued = this.requests.get(id) as QueuedRequest
        if (queued.claimTerm < entry.term) this.toPending(queued)
      }
    }
    if (entry.command === undefined) return undefined
    let command: QueueCommand
    try {
      command = parseQueueCommand(entry.command)
    } catch (error) {
      return refused((error as Error).message)
    }
    switch (command.type) {
      case 'request': return this.request(command.request)
      case 'claim': return this.claim(command.term, command.ids)
      case 'complete': return this.complete(command.term, command.requestId, command.result)
      case 'fail': return this.fail(command.term, command.requestId, command.reason, command.retry)
      case 'requeue': return this.requeue(command.term, command.ids)
    }
  }

  /** The request an id names, following a deduplicated id to the request it points to. */
  get (id: string): Readonly<QueuedRequest> | undefined {
    return this.requests.get(this.aliases.get(id) ?? id)
  }

  /** The id of the request that does the work for `id` (itself, or the one it was deduplicated to). */
  canonicalId (id: string): string | undefined {
    const canonical = this.aliases.get(id) ?? id
    return this.requests.has(canonical) ? canonical : undefined
  }

  /** Pending requests that may be claimed now, in claim order. */
  claimable (limit: number): Array<Readonly<QueuedRequest>> {
    const found: QueuedRequest[] = []
    for (const priority of PRIORITIES) {
      for (const queued of this.pending.get(priority) as QueuedRequest[]) {
        if (found.length >= limit) return found
        if (this.ready(queued)) found.push(queued)
      }
    }
    return found
  }

  /** Requests in flight, with the term that claimed them. */
  inFlightRequests (): Array<Readonly<QueuedRequest>> {
    return [...this.inFlight].map(id => this.requests.get(id) as QueuedRequest)
  }

  /** Every request, in arrival order. */
  all (): Array<Readonly<QueuedRequest>> {
    return [...this.requests.values()]
  }

  status (): QueueStatus {
    const pending = Object.fromEntries(PRIORITIES.map(priority => [priority, (this.pending.get(priority) as QueuedRequest[]).length])) as Record<Priority, number>
    return { term: this.term, pending, inFlight: this.inFlight.size, done: this.counts.done, failed: this.counts.failed, aliases: this.aliases.size }
  }

  snapshot (): Uint8Array {
    const form: SnapshotForm = {
      format: FORMAT,
      term: this.term,
      nextSeq: this.nextSeq,
      requests: [...this.requests.values()],
      aliases: [...this.aliases]
    }
    return utf8Encode(JSON.stringify(form))
  }

  restore (data: Uint8Array): void {
    const form = JSON.parse(utf8Decode(data)) as SnapshotForm
    if (form.format !== FORMAT) throw new Error(`not a ${FORMAT} snapshot`)
    this.term = form.term
    this.nextSeq = form.nextSeq
    this.requests = new Map(form.requests.map(queued => [queued.request.id, queued]))
    this.aliases = new Map(form.aliases)
    this.byContent = new Map()
    this.pending = new Map(PRIORITIES.map(priority => [priority, []]))
    this.inFlight = new Set()
    this.counts = { done: 0, failed: 0 }
    for (const queued of this.requests.values()) {
      if (queued.state !== 'failed') this.byContent.set(contentKey(queued.request), queued.request.id)
      if (queued.state === 'pending') (this.pending.get(queued.request.priority) as QueuedRequest[]).push(queued)
      else if (queued.state === 'in-flight') this.inFlight.add(queued.request.id)
      else this.counts[queued.state]++
    }
  }

  private ready (queued: QueuedRequest): boolean {
    return queued.request.dependsOn.every(id => {
      const state = this.requests.get(id)?.state
      return state === 'done' || state === 'failed'
    })
  }

  private request (request: GenerationRequest): QueueResult {
    const known = this.aliases.get(request.id) ?? (this.requests.has(request.id) ? request.id : undefined)
    if (known !== undefined) return { ok: true, type: 'request', outcome: 'duplicate', requestId: request.id, canonicalId: known }
    const same = this.byContent.get(contentKey(request))
    if (same !== undefined) {
      this.aliases.set(request.id, same)
      return { ok: true, type: 'request', outcome: 'deduplicated', requestId: request.id, canonicalId: same }
    }
    const dependsOn: string[] = []
    for (const id of request.dependsOn) {
      const canonical = this.canonicalId(id)
      // Only earlier requests: a dependency on one that may never come would
      // hold this one forever, and this way no cycle can form.
      if (canonical === undefined) return refused(`request ${request.id} depends on unknown request ${id}`)
      if (!dependsOn.includes(canonical)) dependsOn.push(canonical)
    }
    const queued: QueuedRequest = { request: { ...request, dependsOn }, seq: this.nextSeq++, state: 'pending', claimTerm: 0, attempts: 0 }
    this.requests.set(request.id, queued)
    this.byContent.set(contentKey(request), request.id)
    ;(this.pending.get(request.priority) as QueuedRequest[]).push(queued)
    return { ok: true, type: 'request', outcome: 'queued', requestId: request.id, canonicalId: request.id }
  }

  private claim (term: number, ids: readonly string[]): QueueResult {
    // A claim from an older term is void: a newer leader owns the queue now.
    if (term !== this.term) return refused(`claim from term ${term}, the queue is at term ${this.term}`)
    const claimed: string[] = []
    for (const id of ids) {
      const queued = this.get(id) as QueuedRequest | undefined
      if (queued?.state !== 'pending' || !this.ready(queued)) continue
      this.removePending(queued)
      queued.state = 'in-flight'
      queued.claimTerm = term
      queued.attempts++
      this.inFlight.add(queued.request.id)
      claimed.push(queued.request.id)
    }
    return { ok: true, type: 'claim', ids: claimed }
  }

  private complete (term: number, id: string, result: GenerationResult): QueueResult {
    const queued = this.get(id) as QueuedRequest | undefined
    if (queued === undefined) return refused(`no request ${id}`)
    const requestId = queued.request.id
    if (queued.state === 'done') {
      const same = queued.result?.term === term && queued.result.key === result.key && queued.result.version === result.version
      return same ? { ok: true, type: 'complete', requestId } : refused(`request ${requestId} is already done`)
    }
    if (queued.state === 'failed') return refused(`request ${requestId} failed`)
    if (term < queued.claimTerm) return refused(`completion of ${requestId} from term ${term} is fenced off by the claim of term ${queued.claimTerm}`)
    // Pending with a claim of this very term: requeued by a newer leader that
    // has not claimed it again yet. The work is done; take it.
    if (term !== queued.claimTerm) return refused(`request ${requestId} was not claimed in term ${term}`)
    if (queued.state === 'pending') this.removePending(queued)
    this.inFlight.delete(requestId)
    queued.state = 'done'
    queued.result = { key: result.key, version: result.version, term }
    dropSource(queued)
    this.counts.done++
    return { ok: true, type: 'complete', requestId }
  }

  private fail (term: number, id: string, reason: string, retry: boolean): QueueResult {
    const queued = this.get(id) as QueuedRequest | undefined
    if (queued?.state !== 'in-flight' || queued.claimTerm !== term) return refused(`request ${id} is not in flight for term ${term}`)
    const requestId = queued.request.id
    if (retry) {
      this.toPending(queued)
    } else {
      this.inFlight.delete(requestId)
      queued.state = 'failed'
      queued.failure = reason
      this.counts.failed++
      dropSource(queued)
      // A later request for the same content may try again.
      if (this.byContent.get(contentKey(queued.request)) === requestId) this.byContent.delete(contentKey(queued.request))
    }
    return { ok: true, type: 'fail', requestId }
  }

  private requeue (term: number, ids: readonly string[]): QueueResult {
    const requeued: string[] = []
    for (const id of ids) {
      const queued = this.get(id) as QueuedRequest | undefined
      if (queued?.state !== 'in-flight' || queued.claimTerm > term) continue
      this.toPending(queued)
      requeued.push(queued.request.id)
    }
    return { ok: true, type: 'requeue', ids: requeued }
  }

  private toPending (queued: QueuedRequest): void {
    this.inFlight.delete(queued.request.id)
    queued.state = 'pending'
    // Back in its place by arrival, not at the end: it has waited longest.
    const list = this.pending.get(queued.request.priority) as QueuedRequest[]
    let low = 0
    let high = list.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if ((list[mid] as QueuedRequest).seq < queued.seq) low = mid + 1
      else high = mid
    }
    list.splice(low, 0, queued)
  }

  private removePending (queued: QueuedRequest): void {
    const list = this.pending.get(queued.request.priority) as QueuedRequest[]
    const at = list.indexOf(queued)
    if (at >= 0) list.splice(at, 1)
  }
}
