import type { Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { isMultiaddr, multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import { AbortError, LeadershipLostError, NetworkError, NotLeaderError, RetryLaterError, UsageError } from '../errors.ts'
import { parseQueueCommand } from '../raft/queue-commands.ts'
import type { GenerationRequest } from '../raft/queue-commands.ts'
import { Limiter } from './limiter.ts'
import { MAX_WAIT_MS, requestStatus, requestSubmit, requestWait } from './protocol.ts'
import type { Ack, CoordinatorStatus, RequestOutcome } from './types.ts'

export interface CoordinatorClientInit {
  /** Started; any identity (a member's node, a CLI's). */
  libp2p: Libp2p
  /** The voters: peer ids (the node finds their addresses), or multiaddrs ending in /p2p/<id>, or either as a string. */
  voters: ReadonlyArray<PeerId | Multiaddr | string>
  /** The first wait between retries; it doubles up to 2 s. Default 100 ms. */
  retryDelayMs?: number
}

export interface CoordinatorClient {
  /** Retries with the same request id (the queue keeps one entry) across voters until acknowledged, refused for good, or `signal` fires. */
  submit: (request: GenerationRequest, options: { signal: AbortSignal }) => Promise<Ack>
  /** The leader's status when a voter knows the leader and it answers; else the first voter's that answers. */
  status: (options: { signal: AbortSignal }) => Promise<CoordinatorStatus>
  /** Long-polls the voters until the request is done or failed, or `signal` fires. */
  waitFor: (requestId: string, options: { signal: AbortSignal }) => Promise<RequestOutcome>
}

const MAX_RETRY_DELAY_MS = 2000

/** Errors after which the same request may succeed elsewhere or later. */
function retryable (error: unknown): boolean {
  return error instanceof NotLeaderError || error instanceof RetryLaterError || error instanceof LeadershipLostError || error instanceof NetworkError
}

async function pause (ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => { clearTimeout(timer); reject(signal.reason) }
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve() }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

function aborted (signal: AbortSignal): AbortError {
  return new AbortError('coordinator request aborted', { cause: signal.reason })
}

class VoterClient implements CoordinatorClient {
  private readonly voters: PeerId[] = []
  private readonly addresses: Array<[PeerId, Multiaddr]> = []
  private remembered: Promise<void> | undefined
  /** The voter that answered last: asked first next time. */
  private preferred: PeerId | undefined
  private next = 0
  /**
   * Calls in flight at once, whatever the caller starts: a request channel
   * carries at most 512, and long polls must not hold every place.
   */
  private readonly calls = new Limiter(200)
  private readonly polls = new Limiter(200)

  constructor (private readonly init: CoordinatorClientInit) {
    for (const voter of init.voters) {
      const address = typeof voter === 'string' ? (voter.startsWith('/') ? multiaddr(voter) : undefined) : isMultiaddr(voter) ? voter : undefined
      if (address === undefined) {
        this.voters.push(typeof voter === 'string' ? peerIdFromString(voter) : voter as PeerId)
        continue
      }
      const id = address.getComponents().findLast(component => component.name === 'p2p')?.value
      if (id === undefined) throw new UsageError(`voter address ${address.toString()} does not end in /p2p/<peer id>`)
      const peer = peerIdFromString(id)
      this.voters.push(peer)
      this.addresses.push([peer, address])
    }
    if (this.voters.length === 0) throw new UsageError('a coordinator client needs at least one voter')
  }

  async submit (request: GenerationRequest, options: { signal: AbortSignal }): Promise<Ack> {
    // Refused here what every voter would refuse.
    const clean = (parseQueueCommand({ type: 'request', request }) as { request: GenerationRequest }).request
    return await this.retrying(options.signal, this.calls, async peer => {
      const ack = await requestSubmit(this.init.libp2p, peer, clean, { signal: options.signal })
      this.preferred = peer
      return ack
    })
  }

  async status (options: { signal: AbortSignal }): Promise<CoordinatorStatus> {
    return await this.retrying(options.signal, this.calls, async peer => {
      const status = await requestStatus(this.init.libp2p, peer, options)
      if (status.leader === undefined || status.leader === status.id) return status
      try {
        return await requestStatus(this.init.libp2p, peerIdFromString(status.leader), options)
      } catch {
        if (options.signal.aborted) throw aborted(options.signal)
        return status
      }
    })
  }

  async waitFor (requestId: string, options: { signal: AbortSignal }): Promise<RequestOutcome> {
    return await this.retrying(options.signal, this.polls, async peer => {
      for (;;) {
        const outcome = await requestWait(this.init.libp2p, peer, requestId, { signal: options.signal, timeoutMs: MAX_WAIT_MS })
        if (outcome !== undefined) return outcome
      }
    })
  }

  /**
   * Runs `call` on one voter after another until it succeeds or fails for
   * good: the leader a refusal named is asked next, at once; otherwise the
   * next voter, after a wait that doubles.
   */
  private async retrying<T> (signal: AbortSignal, limiter: Limiter, call: (peer: PeerId) => Promise<T>): Promise<T> {
    if (signal.aborted) throw aborted(signal)
    await this.remember(signal)
    let delay = this.init.retryDelayMs ?? 100
    let hint: PeerId | undefined
    for (;;) {
      const peer = hint ?? this.preferred ?? this.voters[this.next++ % this.voters.length] as PeerId
      const followedHint = hint !== undefined
      hint = undefined
      try {
        return await limiter.run(async () => await call(peer), signal)
      } catch (error) {
        if (signal.aborted) throw aborted(signal)
        if (!retryable(error)) throw error
        if (this.preferred?.equals(peer) === true) this.preferred = undefined
        const leader = error instanceof NotLeaderError ? this.voterNamed(error.leader) : undefined
        if (leader !== undefined && !followedHint && !peer.equals(leader)) {
          hint = leader
          continue
        }
        await pause(error instanceof RetryLaterError && error.retryAfterMs > 0 ? Math.min(error.retryAfterMs, delay) : delay, signal).catch(() => { throw aborted(signal) })
        delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS)
      }
    }
  }

  /** The voter a refusal names as leader; undefined for anything else. */
  private voterNamed (id: string | undefined): PeerId | undefined {
    return id === undefined ? undefined : this.voters.find(voter => voter.toString() === id)
  }

  /** Puts the voters' given addresses in the peer store, once, so the node can dial them by peer id. */
  private async remember (signal: AbortSignal): Promise<void> {
    this.remembered ??= (async () => {
      for (const [peer, address] of this.addresses) {
        const bare = multiaddr(address.toString().replace(/\/p2p\/[^/]+$/, ''))
        await this.init.libp2p.peerStore.merge(peer, { multiaddrs: [bare] }, { signal })
      }
    })()
    await this.remembered.catch((error: unknown) => {
      this.remembered = undefined
      throw error
    })
  }
}

export function createCoordinatorClient (init: CoordinatorClientInit): CoordinatorClient {
  return new VoterClient(init)
}
