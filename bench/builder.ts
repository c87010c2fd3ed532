import { measureFixed, measureInterleaved } from './measure.ts'
import type { Measurement, Operation } from './measure.ts'
import type { BenchOptions } from './options.ts'
import { showProgress } from './progress.ts'
import type { Baseline, Group, Section } from './section.ts'

/** One implementation of a case. */
export interface Contender {
  readonly id: string
  readonly name: string
  readonly op: Operation
}

/** Collects a section's measurements group by group, in the order they are taken. */
export class SectionBuilder {
  private readonly groups: Group[] = []
  private readonly notes: string[] = []

  constructor (private readonly title: string, private readonly baselines: readonly Baseline[], private readonly options: BenchOptions) {}

  /** Measures every contender of one case, interleaved (see measureInterleaved). */
  async compare (label: string, contenders: readonly Contender[]): Promise<void> {
    showProgress(`${this.title}: ${label} (${contenders.map(contender => contender.name).join(', ')})`)
    const results = await measureInterleaved(contenders.map(contender => contender.op), this.options.measure)
    const group = this.group(label)
    contenders.forEach((contender, index) => group.rows.push({ id: contender.id, name: contender.name, result: results[index] as Measurement }))
  }

  /** For spawn-bound cases: a fixed number of single calls instead of a time budget. */
  async addFixed (label: string, contender: Contender, count: number): Promise<void> {
    showProgress(`${this.title}: ${label} · ${contender.name} (${count} runs)`)
    this.group(label).rows.push({ id: contender.id, name: contender.name, result: await measureFixed(contender.op, count, 2) })
  }

  note (text: string): void {
    this.notes.push(text)
  }

  build (): Section {
    return { title: this.title, baselines: this.baselines, groups: this.groups, notes: this.notes }
  }

  private group (label: string): Group {
    let group = this.groups.find(candidate => candidate.label === label)
    if (group === undefined) {
      group = { label, rows: [] }
      this.groups.push(group)
    }
    return group
  }
}
