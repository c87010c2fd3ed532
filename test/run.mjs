#!/usr/bin/env node
// `npm test`: installs what the tests need from Debian when it can, type-checks,
// builds, then runs every vitest project on this Node and the Node project again
// on Node 22 (the npm `node@22` dev dependency). Ends with one summary line.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const node = process.execPath
const chromium = process.env.SLURP_CHROMIUM ?? '/usr/bin/chromium'
const node22 = join(root, 'node_modules/node/bin/node')

function run (label, command, args, options = {}) {
  console.log(`\n▶ ${label}`)
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options })
  if (result.error !== undefined) throw result.error
  return result.status ?? 1
}

function onPath (binary) {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0
}

function ensureSystemPackages () {
  const missing = []
  if (!existsSync(chromium)) missing.push('chromium')
  if (!onPath('age')) missing.push('age')
  // The browser↔browser WebRTC test makes a network namespace when it runs as root (ip netns).
  if (process.getuid?.() === 0 && !onPath('ip')) missing.push('iproute2')
  if (missing.length === 0) return
  if (process.getuid?.() !== 0) {
    console.error(`npm test needs Debian's ${missing.join(' and ')} (browser tests use ${chromium}; interop tests use the age CLI).`)
    console.error(`Install them as root:  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`)
    console.error('or point SLURP_CHROMIUM at another Chromium binary.')
    process.exit(1)
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if (run('apt-get update', 'apt-get', ['update', '-qq'], { env }) !== 0 ||
    run(`apt-get install ${missing.join(' ')}`, 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env }) !== 0) {
    console.error(`could not install ${missing.join(' ')} with apt-get`)
    process.exit(1)
  }
}

// CI keeps only the tail of the output, so the names and messages of failures are
// repeated after the summary line rather than left thousands of lines above it.
const failures = []
function failuresIn (json, label) {
  const found = []
  for (const file of json.testResults ?? []) {
    const path = file.name.startsWith(root) ? file.name.slice(root.length) : file.name
    const failed = (file.assertionResults ?? []).filter(test => test.status === 'failed')
    for (const test of failed) found.push({ label, where: `${path} › ${test.fullName}`, message: test.failureMessages?.join('\n') ?? '' })
    // A file that failed outside any test (an import error, an unhandled rejection).
    if (failed.length === 0 && file.status === 'failed') found.push({ label, where: path, message: file.message ?? '' })
  }
  return found
}

function printFailures () {
  for (const { label, where, message } of failures) {
    console.log(`\n✗ ${where}\n  (${label})`)
    // Stack frames inside node_modules say nothing about which of our lines failed.
    const lines = message.split('\n').filter(line => line.trim() !== '' && !/^\s*at .*node_modules/.test(line))
      // vitest reports a timeout as the stack of where the test was declared, under this placeholder.
      .map(line => line.replace('Error: STACK_TRACE_ERROR', 'Error: timed out (the test\'s or hook\'s time limit; the line below is where it is declared)'))
    for (const line of lines.slice(0, 25)) console.log(`    ${line}`)
    if (lines.length > 25) console.log(`    … ${lines.length - 25} more lines`)
  }
}

/** Like run(), streaming the output as it comes and keeping a copy of it. */
async function runKeepingOutput (label, command, args, options = {}) {
  console.log(`\n▶ ${label}`)
  const child = spawn(command, args, { cwd: root, stdio: ['inherit', 'pipe', 'pipe'], ...options })
  let output = ''
  for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
    from.on('data', chunk => { to.write(chunk); output += chunk.toString() })
  }
  const status = await new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', code => { resolve(code ?? 1) })
  })
  return { status, output }
}

/**
 * What vitest printed about errors that belong to no test (an unhandled
 * rejection, a test file that failed to import): the JSON report leaves them
 * out, so without this CI says only that vitest failed.
 */
function errorSections (output) {
  // eslint-disable-next-line no-control-regex
  const lines = output.replace(/\u001b\[[0-9;]*m/g, '').split('\n')
  const sections = []
  for (let i = 0; i < lines.length; i++) {
    if (!/⎯ (Unhandled Errors?|Failed Suites \d+) ⎯/.test(lines[i])) continue
    const end = lines.findIndex((line, j) => j > i && /^(⎯+\[\d+\/\d+\]⎯+|\s*Test Files )/.test(line.trim()))
    sections.push(lines.slice(i, end === -1 ? i + 40 : Math.min(end, i + 40)).join('\n'))
  }
  return sections.join('\n')
}

async function vitest (label, runtime, extraArgs, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'slurp-report-'))
  const report = join(dir, 'report.json')
  const { status, output } = await runKeepingOutput(label, runtime, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extraArgs], { env: { ...process.env, ...env } })
  let counts = { passed: 0, failed: 0, skipped: 0 }
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'))
    counts = { passed: json.numPassedTests, failed: json.numFailedTests, skipped: json.numPendingTests + json.numTodoTests }
    failures.push(...failuresIn(json, label))
  }
  rmSync(dir, { recursive: true, force: true })
  // A crashed run may report no failures; its exit status still counts as one.
  if (status !== 0 && counts.failed === 0) {
    counts.failed = 1
    const sections = errorSections(output)
    failures.push({ label, where: `vitest exited with status ${status} with no failed test`, message: sections === '' ? 'no "Unhandled Errors" or "Failed Suites" in its output: a crash?' : sections })
  }
  return counts
}

ensureSystemPackages()
const tsc = join(root, 'node_modules/typescript/bin/tsc')
if (run('type-check (src, relay, web, test, bench)', node, [tsc, '-p', 'tsconfig.json']) !== 0) process.exit(1)
if (run('lint (neostandard)', node, [join(root, 'node_modules/eslint/bin/eslint.js'), '.']) !== 0) process.exit(1)
if (run('build dist/', node, [tsc, '-p', 'tsconfig.build.json']) !== 0) process.exit(1)

const totals = { passed: 0, failed: 0, skipped: 0 }
const add = counts => { for (const key of Object.keys(totals)) totals[key] += counts[key] }
add(await vitest(`vitest: node + browser projects on Node ${process.version}`, node, []))
if (existsSync(node22)) {
  // The randomised fault runs are about the protocol, not the runtime: a tenth of them on Node 22.
  // SLURP_REPEAT_PASS leaves out what behaves the same whichever Node drives it: test/web
  // (Chromium, vitest.config.ts) and the relay processes on Bun and Deno (relay-process test).
  add(await vitest('vitest: node project on Node 22 (without Chromium, Bun and Deno)', node22, ['--project', 'node'], { SLURP_FAULT_RUNS: '10', SLURP_REPEAT_PASS: '1' }))
} else {
  console.error('node_modules/node (Node 22) is missing: run npm install')
  totals.failed++
}
printFailures()
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(totals.failed === 0 ? 0 : 1)
