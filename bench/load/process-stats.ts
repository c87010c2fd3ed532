import { readFile, readdir } from 'node:fs/promises'

/** One look at a process through /proc (Linux). */
export interface ProcessSample {
  /** Epoch ms. */
  readonly at: number
  readonly rssBytes: number
  /** Open file descriptors (sockets, files, pipes). */
  readonly fds: number
  /** CPU time used so far (user + system), ms. */
  readonly cpuMs: number
}

const TICK_MS = 10 // USER_HZ is 100 on Linux

export async function sampleProcess (pid: number): Promise<ProcessSample> {
  const [status, fds, stat] = await Promise.all([
    readFile(`/proc/${pid}/status`, 'utf8'),
    readdir(`/proc/${pid}/fd`),
    readFile(`/proc/${pid}/stat`, 'utf8')
  ])
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
  // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const cpuTicks = Number(fields[11]) + Number(fields[12])
  return { at: Date.now(), rssBytes: rssKb * 1024, fds: fds.length, cpuMs: cpuTicks * TICK_MS }
}

/** Least-squares slope of RSS over time, in MB per minute. */
export function rssSlopeMbPerMin (samples: readonly ProcessSample[]): number {
  if (samples.length < 3) return Number.NaN
  const xs = samples.map(s => s.at / 60_000)
  const ys = samples.map(s => s.rssBytes / (1024 * 1024))
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length
  const my = ys.reduce((a, b) => a + b, 0) / ys.length
  let num = 0
  let den = 0
  for (let i = 0; i < xs.length; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my)
    den += ((xs[i] as number) - mx) ** 2
  }
  return den === 0 ? Number.NaN : num / den
}
