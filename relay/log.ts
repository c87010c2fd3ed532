import type { PeerId } from '@libp2p/interface'
import { UsageError } from '../src/errors.ts'
import type { RejectedDetail, StoredDetail } from '../src/keeper/record-keeper.ts'
import type { RelayNode } from '../src/relay.ts'

/**
 * The relay's log on stderr (stdout carries its JSON events: ready, stopped).
 * At info, activity comes as one summary line per interval: a relay that
 * hundreds of tabs reach would otherwise print a line per record and per
 * connection. Those lines are for debug.
 */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const
export type LogLevel = typeof LOG_LEVELS[number]

export function parseLogLevel (value: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  if (value === undefined || value === '') return fallback
  const level = LOG_LEVELS.find(name => name === value.toLowerCase())
  if (level === undefined) throw new UsageError(`--log-level takes ${LOG_LEVELS.join(', ')}, not "${value}"`)
  return level
}

export type Logger = Record<LogLevel, (message: string) => void> & { enabled: (level: LogLevel) => boolean }

export function createLogger (init: { level: LogLevel, write: (line: string) => void, now?: () => Date }): Logger {
  const threshold = LOG_LEVELS.indexOf(init.level)
  const enabled = (level: LogLevel): boolean => LOG_LEVELS.indexOf(level) <= threshold
  const at = (level: LogLevel) => (message: string): void => {
    if (enabled(level)) init.write(`${(init.now?.() ?? new Date()).toISOString()} ${level.padEnd(5)} ${message}\n`)
  }
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), enabled }
}

export interface RelayActivityLog {
  /** Writes the summary of what happened since the last one (nothing when nothing did). */
  flush: () => void
  /** Stops listening and writes the last summary. Idempotent. */
  stop: () => void
}

/** Summaries every 10 s by default. */
export const SUMMARY_EVERY_MS = 10_000

/**
 * Logs a started relay's joins, stores and rejections: per event at debug, as
 * a summary per `summaryEveryMs` at info ("peers 5 (+2 −1), stored 12 (10
 * first-hand, 2 from relays), rejected 1 (ERR_STALE_RECORD 1)").
 */
export function logRelayActivity (relay: RelayNode, log: Logger, options: { summaryEveryMs?: number } = {}): RelayActivityLog {
  const node = relay.libp2p
  let counts = emptyCounts()
  // Refusals before the keeper (disk full, quotas) are counted by admission, not fired.
  let refusedBefore = { ...relay.admission.refused }
  const onConnect = (event: Event): void => {
    counts.joined++
    // getPeers() walks every connection: only when the line is written (issue 14 §1: it was 6 % of a busy relay's CPU).
    if (log.enabled('debug')) log.debug(`peer connected ${String((event as CustomEvent<PeerId>).detail)} (${node.getPeers().length} peers)`)
  }
  const onDisconnect = (event: Event): void => {
    counts.left++
    if (log.enabled('debug')) log.debug(`peer disconnected ${String((event as CustomEvent<PeerId>).detail)} (${node.getPeers().length} peers)`)
  }
  const onStored = (event: Event): void => {
    const { key, outcome, origin } = (event as CustomEvent<StoredDetail>).detail
    counts[origin === 'member' ? 'firstHand' : 'replicas']++
    log.debug(`${outcome} ${key} (${origin === 'member' ? 'first-hand' : 'from a relay'})`)
  }
  const onRejected = (event: Event): void => {
    const { key, code, origin } = (event as CustomEvent<RejectedDetail>).detail
    counts.rejected[code] = (counts.rejected[code] ?? 0) + 1
    if (origin === 'replica') counts.rejectedReplicas++
    log.debug(`rejected ${key}: ${code} (${origin === 'member' ? 'first-hand' : 'from a relay'})`)
  }
  node.addEventListener('peer:connect', onConnect)
  node.addEventListener('peer:disconnect', onDisconnect)
  relay.addEventListener('stored', onStored)
  relay.keeper.addEventListener('rejected', onRejected)

  const flush = (): void => {
    for (const [code, total] of Object.entries(relay.admission.refused)) {
      const fresh = total - (refusedBefore[code] ?? 0)
      if (fresh > 0) counts.rejected[code] = (counts.rejected[code] ?? 0) + fresh
    }
    refusedBefore = { ...relay.admission.refused }
    const line = summaryOf(counts, node.getPeers().length)
    counts = emptyCounts()
    if (line !== undefined) log.info(line)
  }
  const timer = setInterval(flush, options.summaryEveryMs ?? SUMMARY_EVERY_MS)
  // The log never keeps a stopping process alive.
  timer.unref?.()
  let stopped = false
  return {
    flush,
    stop: () => {
      if (stopped) return
      stopped = true
      clearInterval(timer)
      node.removeEventListener('peer:connect', onConnect)
      node.removeEventListener('peer:disconnect', onDisconnect)
      relay.removeEventListener('stored', onStored)
      relay.keeper.removeEventListener('rejected', onRejected)
      flush()
    }
  }
}

interface Counts {
  joined: number
  left: number
  firstHand: number
  replicas: number
  rejected: Record<string, number>
  rejectedReplicas: number
}

function emptyCounts (): Counts {
  return { joined: 0, left: 0, firstHand: 0, replicas: 0, rejected: {}, rejectedReplicas: 0 }
}

/** One line, or undefined when nothing happened: an idle relay stays quiet. */
function summaryOf (counts: Counts, peers: number): string | undefined {
  const rejected = Object.values(counts.rejected).reduce((sum, n) => sum + n, 0)
  const stored = counts.firstHand + counts.replicas
  if (counts.joined + counts.left + stored + rejected === 0) return undefined
  const codes = Object.entries(counts.rejected).sort(([a], [b]) => a.localeCompare(b)).map(([code, n]) => `${code} ${n}`).join(', ')
  return [
    `peers ${peers} (+${counts.joined} −${counts.left})`,
    `stored ${stored}${stored === 0 ? '' : ` (${counts.firstHand} first-hand, ${counts.replicas} from relays)`}`,
    `rejected ${rejected}${rejected === 0 ? '' : ` (${codes}${counts.rejectedReplicas === 0 ? '' : `; ${counts.rejectedReplicas} from relays`})`}`
  ].join(', ')
}
