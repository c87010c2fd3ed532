import type { CommandIO } from './command.ts'

/**
 * How a bulk command shows progress on stderr:
 * - `tty`: one status line redrawn in place (\r), for a person at a terminal;
 * - `plain`: a status line every few seconds, for logs (stderr not a
 *   terminal, or CI / NO_COLOR set), which \r and escape codes would garble;
 * - `json`: NDJSON events (start, progress, item-failed, done), for programs.
 */
export type ProgressMode = 'tty' | 'plain' | 'json'

export function progressMode (io: CommandIO, json: boolean): ProgressMode {
  if (json) return 'json'
  const set = (name: string): boolean => {
    const value = io.env[name]
    return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false'
  }
  // NO_COLOR (no-color.org) counts when set to anything non-empty.
  if (io.stderrIsTTY !== true || set('CI') || (io.env.NO_COLOR ?? '') !== '') return 'plain'
  return 'tty'
}

export interface ProgressInit {
  /** Names the command in every line (`import`, `export`). */
  readonly label: string
  readonly mode: ProgressMode
  readonly write: (text: string) => void
  /** Milliseconds; injected by tests. Default performance.now. */
  readonly now?: () => number
  /** Least time between two status lines (or progress events). Default: tty 100 ms, plain 5 s, json 1 s. */
  readonly everyMs?: number
}

export interface ProgressCounts {
  readonly done: number
  readonly failed: number
}

export interface ItemFailure {
  /** The line of the input it came from, when there is one. */
  readonly line?: number
  readonly address: string
  readonly error: Error
}

const EVERY_MS: Record<ProgressMode, number> = { tty: 100, plain: 5000, json: 1000 }
const CLEAR_LINE = '\r\x1b[K'

/**
 * Done/total, rate, ETA and failures of a bulk command, throttled to one
 * status line per `everyMs` whatever the item rate; failures are never
 * throttled. Rate and ETA count from start(), so a resumed run's estimate
 * is its own.
 */
export class ProgressReporter {
  private readonly now: () => number
  private readonly everyMs: number
  private startedAt = 0
  private lastShown = -Infinity
  private total = 0
  private counts: ProgressCounts = { done: 0, failed: 0 }
  /** A status line is on screen (tty): anything else printed clears it first. */
  private drawn = false

  constructor (private readonly init: ProgressInit) {
    this.now = init.now ?? (() => performance.now())
    this.everyMs = init.everyMs ?? EVERY_MS[init.mode]
  }

  /** `extra` goes into the start event as is (json), e.g. how many items were skipped. */
  start (total: number, extra: Record<string, unknown> = {}): void {
    this.startedAt = this.now()
    this.total = total
    if (this.init.mode === 'json') this.event({ event: 'start', total, ...extra })
    else this.show()
  }

  update (counts: ProgressCounts): void {
    this.counts = counts
    if (this.now() - this.lastShown < this.everyMs) return
    if (this.init.mode === 'json') {
      this.lastShown = this.now()
      this.event({ event: 'progress', ...this.figures() })
    } else {
      this.show()
    }
  }

  itemFailed (failure: ItemFailure): void {
    const { line, address, error } = failure
    if (this.init.mode === 'json') {
      this.event({ event: 'item-failed', ...(line === undefined ? {} : { line }), address, error: error.name, ...codeOf(error), message: error.message })
      return
    }
    this.clear()
    this.init.write(`${this.init.label}: ${line === undefined ? '' : `line ${line}: `}${address}: ${error.name}: ${error.message}\n`)
    if (this.init.mode === 'tty') this.show()
  }

  /** The last status line (or the done event, with `summary` in it). */
  finish (counts: ProgressCounts, summary: Record<string, unknown> = {}): void {
    this.counts = counts
    if (this.init.mode === 'json') {
      this.event({ event: 'done', ...this.figures(), ...summary })
      return
    }
    this.show()
    if (this.init.mode === 'tty') this.init.write('\n')
    this.drawn = false
  }

  /** Done/total, rate (items/s), ETA (s, null until it can be told) and time so far. */
  figures (): { done: number, failed: number, total: number, rate: number, etaSeconds: number | null, elapsedMs: number } {
    const elapsedMs = Math.max(0, this.now() - this.startedAt)
    const rate = elapsedMs > 0 ? this.counts.done / (elapsedMs / 1000) : 0
    const left = Math.max(0, this.total - this.counts.done)
    const etaSeconds = left === 0 ? 0 : rate > 0 ? Math.round(left / rate) : null
    return { ...this.counts, total: this.total, rate: Math.round(rate * 10) / 10, etaSeconds, elapsedMs: Math.round(elapsedMs) }
  }

  /** `import: 120/1000 (12%) · 40.0/s · ETA 22s · 2 failed` */
  statusLine (): string {
    const { done, failed, total, rate, etaSeconds } = this.figures()
    const percent = total === 0 ? 100 : Math.floor(done / total * 100)
    const parts = [`${done}/${total} (${percent}%)`, `${rate.toFixed(1)}/s`, `ETA ${etaSeconds === null ? '?' : duration(etaSeconds)}`]
    if (failed > 0) parts.push(`${failed} failed`)
    return `${this.init.label}: ${parts.join(' · ')}`
  }

  private show (): void {
    this.lastShown = this.now()
    if (this.init.mode === 'tty') {
      this.init.write(`${CLEAR_LINE}${this.statusLine()}`)
      this.drawn = true
    } else {
      this.init.write(`${this.statusLine()}\n`)
    }
  }

  private clear (): void {
    if (!this.drawn) return
    this.init.write(CLEAR_LINE)
    this.drawn = false
  }

  private event (value: Record<string, unknown>): void {
    this.init.write(`${JSON.stringify(value)}\n`)
  }
}

function codeOf (error: Error): { code?: string } {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? { code } : {}
}

/** 42s, 3m05s, 1h02m. */
export function duration (seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor(s % 3600 / 60)).padStart(2, '0')}m`
}
