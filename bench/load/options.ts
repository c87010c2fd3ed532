import type { Target } from './protocol.ts'

export interface LoadOptions {
  readonly targets: readonly Target[]
  readonly clients: number
  /** Client processes the clients are spread over. */
  readonly processes: number
  /** Seconds of load after every client joined and before the steady phase; nothing in it is judged. */
  readonly warmupS: number
  /** Seconds of steady load, after the warm-up: every figure and goal is of this phase. */
  readonly durationS: number
  /** Clients joining per second, all processes together. */
  readonly rampPerSecond: number
  /** Each client runs an operation about this often. */
  readonly opIntervalMs: number
  /** Fresh connections per second from the flood (0: none). */
  readonly floodRate: number
  /** Slow-body HTTP connections held against the relay during the steady phase (0: none). */
  readonly slowHttp: number
  /** How often clients ping the relay; undefined: as each relay's own peers do (slurp 30 s, js-libp2p 10 s). */
  readonly clientPingMs?: number
  /** Both relays run with --max-old-space-size of this many MB (0: V8's default, sized from the machine's memory). */
  readonly relayHeapMb: number
  /** The niceness of the client, flood and slow-HTTP processes (the relay and the /health prober run at 0). */
  readonly clientNice: number
  readonly quick: boolean
  readonly jsonPath?: string
}

export const USAGE = [
  'usage: npm run bench:load -- [--clients N] [--warmup SECONDS] [--duration SECONDS] [--flood-rate N] [--target slurp|vanilla|both]',
  '                             [--processes N] [--ramp N] [--op-interval MS] [--slow-http N] [--relay-heap MB] [--client-ping MS]',
  '                             [--client-nice N] [--quick] [--json FILE]',
  'Defaults: 1,000 clients over 4 processes joining 25/s, an operation per client every 5 s, a flood of 5',
  'connections/s, 300 s of warm-up (not judged: V8 grows its heap and RSS climbs for the first minutes)',
  'then 600 s of steady load, against slurp and then a plain js-libp2p relay, each relay with',
  '--max-old-space-size=512 (--relay-heap 0: V8 sizes the heap from the machine\'s memory, and RSS climbs',
  'to its high-water mark before the first full collection).',
  'Clients ping the relay as its own peers do: slurp peers every 30 s, js-libp2p\'s default every 10 s;',
  '--client-ping MS sets both (--client-ping 10000: every client a stock js-libp2p browser).',
  'Clients and floods run at nice 10 (--client-nice 0: as the relay), as if on other machines.',
  '--quick: 100 clients over 2 processes, no warm-up, 20 s.'
].join('\n')

export class LoadUsageError extends Error {}

export function parseLoadOptions (argv: readonly string[]): LoadOptions {
  const quick = argv.includes('--quick') || (process.env.BENCH_QUICK ?? '') !== ''
  const values = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--quick') continue
    if (!arg.startsWith('--')) throw new LoadUsageError(`unknown argument "${arg}"`)
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined]
    const value = inline ?? argv[++i]
    if (value === undefined) throw new LoadUsageError(`--${name} needs a value`)
    values.set(name, value)
  }
  const number = (name: string, fallback: number, min: number): number => {
    const text = values.get(name)
    values.delete(name)
    if (text === undefined) return fallback
    const value = Number(text)
    if (!Number.isFinite(value) || value < min) throw new LoadUsageError(`--${name} takes a number ≥ ${min}, not "${text}"`)
    return value
  }
  const target = values.get('target') ?? 'both'
  values.delete('target')
  if (!['slurp', 'vanilla', 'both'].includes(target)) throw new LoadUsageError('--target takes slurp, vanilla or both')
  const jsonPath = values.get('json')
  values.delete('json')
  const options: LoadOptions = {
    targets: target === 'both' ? ['slurp', 'vanilla'] : [target as Target],
    clients: Math.floor(number('clients', quick ? 100 : 1000, 1)),
    processes: Math.floor(number('processes', quick ? 2 : 4, 1)),
    warmupS: number('warmup', quick ? 0 : 300, 0),
    durationS: number('duration', quick ? 20 : 600, 1),
    rampPerSecond: number('ramp', 25, 0.1),
    opIntervalMs: number('op-interval', 5000, 10),
    floodRate: number('flood-rate', 5, 0),
    slowHttp: Math.floor(number('slow-http', 0, 0)),
    relayHeapMb: Math.floor(number('relay-heap', 512, 0)),
    clientNice: Math.min(19, Math.floor(number('client-nice', 10, 0))),
    ...(values.has('client-ping') ? { clientPingMs: number('client-ping', 10_000, 100) } : {}),
    quick,
    ...(jsonPath === undefined ? {} : { jsonPath })
  }
  if (values.size > 0) throw new LoadUsageError(`unknown option --${[...values.keys()][0] as string}`)
  return options
}
