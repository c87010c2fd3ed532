import { checkGoals, renderGoals } from './goals.ts'
import { describeMachine, renderMachine } from './machine.ts'
import { USAGE, UsageError, parseOptions } from './options.ts'
import type { BenchOptions } from './options.ts'
import { clearProgress } from './progress.ts'
import { roleKeys } from './readers.ts'
import { writeJsonResults } from './results-json.ts'
import type { Section } from './section.ts'
import { decryptSuite } from './suites/decrypt.ts'
import { encryptSuite } from './suites/encrypt.ts'
import { envelopeSuite } from './suites/envelope.ts'
import { recordSuite } from './suites/record.ts'
import { renderSection } from './table.ts'

const options = parseOrExit()
const started = performance.now()
const machine = await describeMachine()
process.stdout.write(`${renderMachine(machine, options.quick)}\n`)

const keys = await roleKeys(5)
const suites = [
  async () => await encryptSuite(options, keys),
  async () => await decryptSuite(options, keys),
  async () => await recordSuite(options),
  async () => await envelopeSuite(options)
]
const sections: Section[] = []
for (const suite of suites) {
  const section = await suite()
  clearProgress()
  // Each table as soon as it is ready: a full run takes a minute or two.
  process.stdout.write(`${renderSection(section)}\n`)
  sections.push(section)
}

const goals = checkGoals(sections)
process.stdout.write(renderGoals(goals))
process.stdout.write(`\ntook ${((performance.now() - started) / 1000).toFixed(1)} s\n`)
if (options.jsonPath !== undefined) {
  await writeJsonResults(options.jsonPath, machine, options.quick, sections, goals)
  process.stdout.write(`results written to ${options.jsonPath}\n`)
}

function parseOrExit (): BenchOptions {
  try {
    return parseOptions(process.argv.slice(2), process.env)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`${error.message}\n${USAGE}\n`)
    process.exit(2)
  }
}
