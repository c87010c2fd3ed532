import type { MeasureOptions } from './measure.ts'

/** Which suites to run: the crypto ones take a minute or two, the mesh one a few minutes. */
export type SuiteChoice = 'crypto' | 'mesh' | 'web' | 'all'

export const SUITE_CHOICES: readonly SuiteChoice[] = ['crypto', 'mesh', 'web', 'all']

export interface BenchOptions {
  readonly quick: boolean
  readonly suite: SuiteChoice
  /** Also write the results here as JSON. */
  readonly jsonPath?: string
  readonly measure: MeasureOptions
  /** Spawning `age` costs milliseconds per run: a fixed, small count. */
  readonly cliSamples: number
}

export class UsageError extends Error {}

const FULL: MeasureOptions = { warmupMs: 150, budgetMs: 1000, minSamples: 10, maxSamples: 1000, minSampleMs: 0.2 }
const QUICK: MeasureOptions = { warmupMs: 30, budgetMs: 150, minSamples: 5, maxSamples: 150, minSampleMs: 0.2 }

export const USAGE = 'usage: npm run bench -- [--suite crypto|mesh|web|all] [--quick] [--json FILE]   (BENCH_QUICK=1 is --quick)'

export function parseOptions (argv: readonly string[], env: Readonly<Record<string, string | undefined>>): BenchOptions {
  let quick = env.BENCH_QUICK !== undefined && env.BENCH_QUICK !== '' && env.BENCH_QUICK !== '0'
  let suite: SuiteChoice = 'all'
  let jsonPath: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--quick') quick = true
    else if (arg === '--json') {
      jsonPath = argv[++i]
      if (jsonPath === undefined || jsonPath.startsWith('--')) throw new UsageError('--json needs a file name')
    } else if (arg.startsWith('--json=')) jsonPath = arg.slice('--json='.length)
    else if (arg === '--suite') suite = suiteChoice(argv[++i])
    else if (arg.startsWith('--suite=')) suite = suiteChoice(arg.slice('--suite='.length))
    else throw new UsageError(`unknown argument "${arg}"`)
  }
  return {
    quick,
    suite,
    ...(jsonPath === undefined ? {} : { jsonPath }),
    measure: quick ? QUICK : FULL,
    cliSamples: quick ? 5 : 20
  }
}

export function runsCrypto (options: BenchOptions): boolean {
  return options.suite === 'crypto' || options.suite === 'all'
}

export function runsMesh (options: BenchOptions): boolean {
  return options.suite === 'mesh' || options.suite === 'all'
}

export function runsWeb (options: BenchOptions): boolean {
  return options.suite === 'web' || options.suite === 'all'
}

function suiteChoice (value: string | undefined): SuiteChoice {
  const found = SUITE_CHOICES.find(choice => choice === value)
  if (found === undefined) throw new UsageError(`--suite needs one of ${SUITE_CHOICES.join(', ')}`)
  return found
}
