// Static generation (issue 13 §3): `npm run bench:generate [-- --runs N]`.
// Runs the static generator over every file git tracks in this repository,
// one file after another on the main thread (so on one core), and reports
// files/s as the median of the timed runs (after one untimed warm-up run that
// loads the grammars), then the time to build the repository's reference
// graph (buildRepoMap). Goal: ≥ 200 files/s.
import { execFileSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { BinarySourceError, SourceTooLargeError } from '../src/errors.ts'
import { buildRepoMap, createStaticGenerator } from '../src/generate/index.ts'
import type { RepoContext, RepoFile } from '../src/generate/index.ts'
import { median } from './stats.ts'

const GOAL_FILES_PER_SECOND = 200
const runsArg = process.argv.indexOf('--runs')
const runs = runsArg === -1 ? 3 : Math.max(1, Number(process.argv[runsArg + 1]))
const root = new URL('..', import.meta.url).pathname

const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\0').filter(path => path !== '')
const files: RepoFile[] = []
for (const path of tracked) {
  const full = join(root, path)
  // A file deleted in the work tree but not yet in the index, or a submodule.
  try {
    if (!statSync(full).isFile()) continue
  } catch {
    continue
  }
  files.push({ path, bytes: readFileSync(full) })
}
const totalBytes = files.reduce((n, f) => n + f.bytes.length, 0)
console.log(`static generation over ${files.length} files tracked by git (${(totalBytes / 1024 / 1024).toFixed(1)} MiB), ${runs} timed runs after a warm-up`)

const mapTimes: number[] = []
let repo: RepoContext = {}
for (let run = 0; run < runs; run++) {
  const started = performance.now()
  const map = await buildRepoMap(files)
  mapTimes.push(performance.now() - started)
  repo = { map, manifests: map.manifests }
}

const generator = createStaticGenerator()
interface Pass { ms: number, drafted: number, refused: number, warnings: number, definitions: number }
async function pass (): Promise<Pass> {
  const result: Pass = { ms: 0, drafted: 0, refused: 0, warnings: 0, definitions: 0 }
  const started = performance.now()
  for (const file of files) {
    try {
      const draft = await generator.generate({ path: file.path, bytes: file.bytes, repo }, {})
      result.drafted++
      result.definitions += draft.definitions.length
      if (draft.warnings !== undefined) result.warnings++
    } catch (error) {
      if (!(error instanceof BinarySourceError || error instanceof SourceTooLargeError)) throw error
      result.refused++
    }
  }
  result.ms = performance.now() - started
  return result
}

await pass()
const passes: Pass[] = []
for (let run = 0; run < runs; run++) passes.push(await pass())
const rates = passes.map(p => files.length / (p.ms / 1000))
const rate = median(rates)
const last = passes[passes.length - 1] as Pass
console.log(`  runs: ${passes.map(p => `${p.ms.toFixed(0)} ms`).join(', ')}`)
console.log(`  drafted ${last.drafted}, refused ${last.refused} (binary or too large), ${last.warnings} with parser warnings, ${last.definitions} definitions`)
console.log(`  files/s (median): ${rate.toFixed(0)}  (${(totalBytes / 1024 / 1024 / (median(passes.map(p => p.ms)) / 1000)).toFixed(1)} MiB/s)`)
console.log(`  repo map (buildRepoMap, parse + PageRank over ${files.length} files): median ${median(mapTimes).toFixed(0)} ms of ${mapTimes.map(t => t.toFixed(0)).join(', ')}`)
const top = repo.map?.ranked.slice(0, 5) ?? []
console.log(`  most important: ${top.join(', ')}`)
console.log(`${rate >= GOAL_FILES_PER_SECOND ? 'PASS' : 'FAIL'}  static generation ≥ ${GOAL_FILES_PER_SECOND} files/s on one core: ${rate.toFixed(0)} files/s`)
