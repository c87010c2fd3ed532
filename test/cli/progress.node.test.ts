import { describe, expect, it } from 'vitest'
import type { CommandIO } from '../../relay/command.ts'
import { ProgressReporter, duration, progressMode } from '../../relay/progress.ts'
import type { ProgressMode } from '../../relay/progress.ts'
import { WriteNotAllowedError } from '../../src/errors.ts'

/** A reporter on a clock the test moves, writing into a string. */
function reporter (mode: ProgressMode, everyMs?: number): { progress: ProgressReporter, out: () => string, tick: (ms: number) => void } {
  let now = 1000
  let text = ''
  const progress = new ProgressReporter({ label: 'import', mode, write: chunk => { text += chunk }, now: () => now, ...(everyMs === undefined ? {} : { everyMs }) })
  return { progress, out: () => text, tick: ms => { now += ms } }
}

function io (stderrIsTTY: boolean, env: Record<string, string> = {}): CommandIO {
  return { readStdin: async () => new Uint8Array(), stdout: () => {}, stderr: () => {}, env, stderrIsTTY }
}

describe('progress reporter', () => {
  it('picks a live line only for a terminal without CI or NO_COLOR', () => {
    expect(progressMode(io(true), false)).toBe('tty')
    expect(progressMode(io(false), false)).toBe('plain')
    expect(progressMode(io(true, { CI: 'true' }), false)).toBe('plain')
    expect(progressMode(io(true, { CI: 'false' }), false)).toBe('tty')
    expect(progressMode(io(true, { NO_COLOR: '1' }), false)).toBe('plain')
    expect(progressMode(io(true, { NO_COLOR: '' }), false)).toBe('tty')
    expect(progressMode(io(true), true)).toBe('json')
    expect(progressMode(io(false, { CI: '1' }), true)).toBe('json')
  })

  it('on a terminal redraws one line in place, at most every 100 ms, with done/total, rate, ETA and failures', () => {
    const { progress, out, tick } = reporter('tty')
    progress.start(100)
    expect(out()).toBe('\r\x1b[Kimport: 0/100 (0%) · 0.0/s · ETA ?')
    tick(50)
    progress.update({ done: 5, failed: 0 })
    // Within 100 ms of the last draw: nothing.
    expect(out()).toBe('\r\x1b[Kimport: 0/100 (0%) · 0.0/s · ETA ?')
    tick(950)
    progress.update({ done: 10, failed: 0 })
    expect(out().split('\r\x1b[K').at(-1)).toBe('import: 10/100 (10%) · 10.0/s · ETA 9s')
    // A failure gets a line of its own, and the status line comes back under it.
    progress.itemFailed({ line: 7, address: 'ucxl://p/x', error: new WriteNotAllowedError('backend_developer may not write decision') })
    expect(out()).toContain('\r\x1b[Kimport: line 7: ucxl://p/x: WriteNotAllowedError: backend_developer may not write decision\n\r\x1b[Kimport: 10/100')
    tick(1000)
    progress.finish({ done: 20, failed: 1 })
    expect(out().endsWith('\r\x1b[Kimport: 20/100 (20%) · 10.0/s · ETA 8s · 1 failed\n')).toBe(true)
  })

  it('for logs prints whole lines, no carriage returns or escapes, every 5 s by default', () => {
    const { progress, out, tick } = reporter('plain')
    progress.start(1000)
    for (let i = 1; i <= 40; i++) {
      tick(250)
      progress.update({ done: i * 10, failed: 0 })
    }
    progress.itemFailed({ address: 'ucxl://p/y', error: new Error('boom') })
    tick(1000)
    progress.finish({ done: 420, failed: 1 })
    expect(out()).not.toContain('\r')
    expect(out()).not.toContain('\x1b')
    expect(out().split('\n')).toEqual([
      'import: 0/1000 (0%) · 0.0/s · ETA ?',
      'import: 200/1000 (20%) · 40.0/s · ETA 20s',
      'import: 400/1000 (40%) · 40.0/s · ETA 15s',
      'import: ucxl://p/y: Error: boom',
      'import: 420/1000 (42%) · 38.2/s · ETA 15s · 1 failed',
      ''
    ])
  })

  it('with --json prints NDJSON events: start, progress (at most every second), item-failed, done', () => {
    const { progress, out, tick } = reporter('json')
    progress.start(10, { skipped: 2 })
    tick(500)
    progress.update({ done: 1, failed: 0 })
    tick(400)
    progress.update({ done: 2, failed: 0 })
    tick(600)
    progress.update({ done: 3, failed: 0 })
    progress.itemFailed({ line: 4, address: 'ucxl://p/z', error: new WriteNotAllowedError('no') })
    tick(1500)
    progress.finish({ done: 10, failed: 1 }, { stored: 9 })
    expect(out().trim().split('\n').map(line => JSON.parse(line))).toEqual([
      { event: 'start', total: 10, skipped: 2 },
      { event: 'progress', done: 1, failed: 0, total: 10, rate: 2, etaSeconds: 5, elapsedMs: 500 },
      { event: 'progress', done: 3, failed: 0, total: 10, rate: 2, etaSeconds: 4, elapsedMs: 1500 },
      { event: 'item-failed', line: 4, address: 'ucxl://p/z', error: 'WriteNotAllowedError', code: 'ERR_WRITE_NOT_ALLOWED', message: 'no' },
      { event: 'done', done: 10, failed: 1, total: 10, rate: 3.3, etaSeconds: 0, elapsedMs: 3000, stored: 9 }
    ])
  })

  it('says how long in seconds, minutes or hours', () => {
    expect(duration(0)).toBe('0s')
    expect(duration(59.4)).toBe('59s')
    expect(duration(185)).toBe('3m05s')
    expect(duration(3720)).toBe('1h02m')
  })
})
