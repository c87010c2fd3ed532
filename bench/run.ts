// First: libp2p (the mesh suite) needs Promise.withResolvers, which Node 20 lacks.
import '../src/runtime/node-shim.ts'
import { checkGoals, renderGoals } from './goals.ts'
import type { GoalStatus } from './goals.ts'
import { describeMachine, renderMachine } from './machine.ts'
import { checkMeshGoals, renderMeshGoals } from './mesh/goals.ts'
import type { MeshGoalStatus } from './mesh/goals.ts'
import { USAGE, UsageError, parseOptions, runsCrypto, runsMesh, runsWeb } from './options.ts'
import type { BenchOptions } from './options.ts'
import { clearProgress } from './progress.ts'
import { roleKeys } from './readers.ts'
import { writeJsonResults } from './results-json.ts'
import type { Section } from './section.ts'
import { ageFileSuite } from './suites/age-file.ts'
import { decryptSuite } from './suites/decrypt.ts'
import { encryptSuite } from './suites/encrypt.ts'
import { envelopeSuite } from './suites/envelope.ts'
import { meshSuite } from './suites/mesh.ts'
import type { MeshReport } from './suites/mesh.ts'
import { recordSuite } from './suites/record.ts'
import { renderSection } from './table.ts'
import { webSuite } from './web/suite.ts'

const options = parseOrExit()
const started = performance.now()
const machine = await describeMachine()
process.stdout.write(`${renderMachine(machine, options.quick)}\n`)

const sections: Section[] = []
// Each table as soon as it is ready: a full run takes minutes.
const emit = (section: Section): void => {
  clearProgress()
  process.stdout.write(`${renderSection(section)}\n`)
  sections.push(section)
}

let goals: GoalStatus[] = []
if (runsCrypto(options)) {
  const keys = await roleKeys(5)
  const suites = [
    async () => await encryptSuite(options, keys),
    async () => await decryptSuite(options, keys),
    async () => await ageFileSuite(options, keys),
    async () => await recordSuite(options),
    async () => await envelopeSuite(options)
  ]
  const cryptoSections: Section[] = []
  for (const suite of suites) {
    const section = await suite()
    emit(section)
    cryptoSections.push(section)
  }
  goals = checkGoals(cryptoSections)
}

let mesh: MeshReport | undefined
let meshGoals: MeshGoalStatus[] = []
if (runsMesh(options)) {
  const meshSections: Section[] = []
  mesh = await meshSuite(options, section => {
    emit(section)
    meshSections.push(section)
  })
  meshGoals = checkMeshGoals(meshSections, mesh.memory)
}

let webGoals: string[] = []
if (runsWeb(options)) webGoals = await webSuite(options, emit)

if (goals.length > 0) process.stdout.write(renderGoals(goals))
if (meshGoals.length > 0) process.stdout.write(`${goals.length > 0 ? '\n' : ''}${renderMeshGoals(meshGoals)}`)
if (webGoals.length > 0) process.stdout.write(`\nweb goals:\n${webGoals.join('\n')}\n`)
process.stdout.write(`\ntook ${((performance.now() - started) / 1000).toFixed(1)} s\n`)
if (options.jsonPath !== undefined) {
  await writeJsonResults(options.jsonPath, machine, options.quick, sections, goals, {
    suite: options.suite,
    ...(mesh === undefined ? {} : { mesh: mesh.facts, meshGoals })
  })
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
