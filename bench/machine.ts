import { agePrimitives } from '#age-x25519'
import { readFileSync } from 'node:fs'
import { availableParallelism, cpus } from 'node:os'
import { ageVersion, hasAgeBinary } from './age-cli.ts'

/** What a reader needs to judge the numbers: they mean little without the machine. */
export interface MachineInfo {
  readonly node: string
  readonly cpu: string
  readonly cores: number
  readonly platform: string
  readonly x25519Adapter: string
  readonly typage: string
  readonly ageCli: string
}

export async function describeMachine (): Promise<MachineInfo> {
  return {
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    platform: `${process.platform} ${process.arch}`,
    x25519Adapter: agePrimitives.name,
    typage: packageVersion('age-encryption'),
    ageCli: hasAgeBinary() ? await ageVersion() : 'not installed'
  }
}

export function renderMachine (machine: MachineInfo, quick: boolean): string {
  return [
    `slurp benchmarks${quick ? ' (--quick: fewer iterations, rougher numbers)' : ''}`,
    `node ${machine.node} · ${machine.platform} · ${machine.cores} cores · ${machine.cpu}`,
    `X25519 adapter (#age-x25519): ${machine.x25519Adapter} · typage (age-encryption) ${machine.typage} · age CLI ${machine.ageCli}`,
    'median and p95 are per operation; sub-0.2 ms operations are timed in batches, so their p95 is of batch means.',
    ''
  ].join('\n')
}

function packageVersion (name: string): string {
  try {
    const text = readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')
    return (JSON.parse(text) as { version: string }).version
  } catch {
    return 'unknown'
  }
}
