import { normaliseAddress, parentAddress } from '../address/index.ts'
import { AccessDeniedError, NetworkError, NotFoundError, UsageError, throwIfAborted } from '../errors.ts'
import type { ContextItem } from '../record/context-item.ts'
import type { GetOptions, GetResult, RecordMeta } from '../peer/types.ts'
import { freshCopy } from '../peer/fresh-copy.ts'
import { resolveLevels } from './merge.ts'
import type { ResolvedItem } from './merge.ts'

/** What resolution needs from a peer: reads, and what earlier reads left in its cache. */
export interface ResolveSource {
  get: (address: string, options: GetOptions) => Promise<GetResult>
  cached: (address: string, options: { signal?: AbortSignal }) => Promise<GetResult | undefined>
}

export interface ResolveOptions {
  /** Ancestor levels to merge in (0 to 16). Default 3. */
  readonly depth?: number
  /** Read every level as this role only. */
  readonly as?: string
  /**
   * A level read from the relays at most this long ago is taken from the
   * cache (and a level found empty that recently is not asked again).
   * Default 0: every level is read from the relays.
   */
  readonly maxAgeMs?: number
  readonly signal?: AbortSignal
}

export type LevelStatus = 'found' | 'missing' | 'unreadable' | 'unreachable'

export interface ResolvedLevel {
  readonly address: string
  readonly status: LevelStatus
  readonly item?: ContextItem
  readonly meta?: RecordMeta
  /** Why a level is unreadable or unreachable. */
  readonly reason?: string
}

export interface Resolution {
  readonly address: string
  /** The merged fields, each with the address it came from. */
  readonly resolved: ResolvedItem
  /** The address first, then each ancestor up to the depth asked. */
  readonly levels: readonly ResolvedLevel[]
}

export const DEFAULT_DEPTH = 3
export const MAX_DEPTH = 16

/** The address, then its ancestors nearest first, at most `depth` of them. */
export function levelsOf (address: string, depth: number): string[] {
  const levels = [normaliseAddress(address)]
  for (let up = parentAddress(levels[0] as string); up !== undefined && levels.length <= depth; up = parentAddress(up)) levels.push(up)
  return levels
}

/**
 * Reads an address and its ancestors in parallel and merges them. Missing
 * levels are fine; so are levels the roles cannot read or relays that do not
 * answer for an ancestor. It fails only when no level could be read.
 */
export class Resolver {
  /** Addresses found empty, and when: only consulted within maxAgeMs. */
  private readonly emptyAt = new Map<string, number>()

  constructor (private readonly source: ResolveSource, private readonly now: () => number = Date.now) {}

  async resolve (address: string, options: ResolveOptions = {}): Promise<Resolution> {
    const depth = options.depth ?? DEFAULT_DEPTH
    if (!Number.isInteger(depth) || depth < 0 || depth > MAX_DEPTH) throw new UsageError(`depth must be a whole number from 0 to ${MAX_DEPTH}, not ${String(depth)}`)
    throwIfAborted(options.signal)
    const addresses = levelsOf(address, depth)
    const own = addresses[0] as string
    const levels = await Promise.all(addresses.map(async level => await this.level(level, options)))
    throwIfAborted(options.signal)
    const found = levels.filter(level => level.item !== undefined)
    if (found.length === 0) throw nothingReadable(own, levels)
    return { address: own, resolved: resolveLevels(found.map(level => level.item as ContextItem), own), levels }
  }

  private async level (address: string, options: ResolveOptions): Promise<ResolvedLevel> {
    const maxAge = options.maxAgeMs ?? 0
    const signal = options.signal === undefined ? {} : { signal: options.signal }
    const empty = this.emptyAt.get(address)
    if (maxAge > 0 && empty !== undefined && this.now() - empty <= maxAge) return { address, status: 'missing' }
    const fresh = await freshCopy(this.source.cached, address, { ...options, now: this.now() })
    if (fresh !== undefined) return { address, status: 'found', item: fresh.item, meta: fresh.meta }
    try {
      const result = await this.source.get(address, { ...signal, ...(options.as === undefined ? {} : { as: options.as }) })
      this.emptyAt.delete(address)
      return { address, status: 'found', item: result.item, meta: result.meta }
    } catch (error) {
      if (error instanceof NotFoundError) {
        this.emptyAt.set(address, this.now())
        return { address, status: 'missing' }
      }
      if (error instanceof AccessDeniedError) return { address, status: 'unreadable', reason: error.message }
      if (error instanceof NetworkError) return { address, status: 'unreachable', reason: error.message }
      throw error
    }
  }
}

function nothingReadable (own: string, levels: readonly ResolvedLevel[]): Error {
  const ancestors = levels.length - 1
  const unreachable = levels.filter(level => level.status === 'unreachable')
  if (unreachable.length > 0) {
    return new NetworkError(`could not resolve ${own}: ${unreachable.length} of ${levels.length} levels could not be read from the relays (${unreachable[0]?.reason ?? ''})`)
  }
  const ownLevel = levels[0]
  if (ownLevel?.status === 'unreadable') return new AccessDeniedError(`${own}: ${ownLevel.reason ?? 'no held role can read it'}; none of its ${ancestors} ancestors is readable either`)
  return new NotFoundError(`nothing readable is stored at ${own} or its ${ancestors} ancestor${ancestors === 1 ? '' : 's'}`)
}
