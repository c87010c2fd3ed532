import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, posix } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseDocument } from 'yaml'
import type { CommandIO } from '../../relay/command.ts'
import { runCli } from '../../relay/run-cli.ts'
import { projectRoot, slurp } from '../helpers/cli.ts'
import { startRelayProcess } from '../helpers/relay-process.ts'
import type { RelayProcess } from '../helpers/relay-process.ts'
import { metricSelectors } from './promql-names.ts'
import type { Selector } from './promql-names.ts'

// deploy/ as operators use it: the dashboard and the alert rules query only
// metrics a running relay exports, every JSON and YAML file parses, the
// container health check gets a 200 from a real relay, and the compose file,
// the systemd unit and the Dockerfile's environment name only real CLI flags.
const deploy = join(projectRoot, 'deploy')
const read = (path: string): string => readFileSync(join(deploy, path), 'utf8')

/** Metrics Prometheus itself makes for every target: not on any /metrics page. */
const SYNTHETIC = new Set(['up'])
/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = new Set(['job', 'instance'])

function yamlOf (path: string): any {
  // Compose files use merge keys (<<: *relay), a YAML 1.1 feature.
  const document = parseDocument(read(path), { merge: true, uniqueKeys: true, prettyErrors: true })
  expect(document.errors.map(String), path).toEqual([])
  expect(document.warnings.map(String), path).toEqual([])
  return document.toJS()
}

function filesUnder (dir: string, extensions: RegExp): string[] {
  return readdirSync(join(deploy, dir), { withFileTypes: true, recursive: true })
    .filter(entry => entry.isFile() && extensions.test(entry.name))
    .map(entry => posix.join(entry.parentPath.slice(deploy.length + 1).split('\\').join('/'), entry.name))
}

/** Every PromQL expression the dashboard runs, with where it is, from panels (rows included) and variables. */
function dashboardQueries (dashboard: any): Array<{ where: string, expr: string }> {
  const queries: Array<{ where: string, expr: string }> = []
  const visit = (panels: any[]): void => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) queries.push({ where: `panel "${panel.title}" ${target.refId}`, expr: target.expr })
      visit(panel.panels ?? [])
    }
  }
  visit(dashboard.panels)
  for (const variable of dashboard.templating.list) {
    if (variable.type !== 'query') continue
    const query: string = typeof variable.query === 'string' ? variable.query : variable.query.query
    // label_values(selector, label): the last argument is a label name, not a metric.
    const selector = /^label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)$/.exec(query)?.[1] ?? query
    queries.push({ where: `variable $${variable.name as string}`, expr: selector })
  }
  return queries
}

function alertRules (rules: any): Array<{ alert: string, expr: string, labels: Record<string, string>, annotations: Record<string, string>, for?: string }> {
  return rules.groups.flatMap((group: any) => group.rules)
}

/** A Prometheus text page: each metric family's type, and the label names seen on each sample name. */
function parseExposition (page: string): { types: Map<string, string>, labels: Map<string, Set<string>> } {
  const types = new Map<string, string>()
  const labels = new Map<string, Set<string>>()
  for (const line of page.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line)
    if (type !== null) types.set(type[1] as string, type[2] as string)
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/.exec(line)
    if (sample === null) continue
    const seen = labels.get(sample[1] as string) ?? new Set<string>()
    for (const [, name] of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g)) seen.add(name as string)
    labels.set(sample[1] as string, seen)
  }
  return { types, labels }
}

/** Why a selector does not fit the page, or undefined when it does. */
function checkSelector (selector: Selector, page: ReturnType<typeof parseExposition>): string | undefined {
  if (SYNTHETIC.has(selector.name)) return undefined
  const suffix = /_(bucket|sum|count)$/.exec(selector.name)
  const family = page.types.has(selector.name)
    ? selector.name
    : suffix !== null && ['histogram', 'summary'].includes(page.types.get(selector.name.slice(0, -suffix[0].length)) ?? '')
      ? selector.name.slice(0, -suffix[0].length)
      : undefined
  if (family === undefined) return `${selector.name} is not on the relay's /metrics`
  // Only checkable once the metric has samples: a labelled one has none before its first event.
  const seen = page.labels.get(selector.name)
  if (seen === undefined) return undefined
  const unknown = selector.labels.filter(label => !TARGET_LABELS.has(label) && !seen.has(label))
  return unknown.length === 0 ? undefined : `${selector.name} has no label ${unknown.join(', ')} (it has ${[...seen].join(', ') || 'none'})`
}

/** One Dockerfile instruction per entry, continuation lines joined, comments dropped. */
function dockerInstructions (text: string): Array<{ op: string, args: string }> {
  return text.replace(/\\\n/g, ' ').split('\n').map(line => line.trim()).filter(line => line !== '' && !line.startsWith('#'))
    .map(line => {
      const [op, ...rest] = line.split(/\s+/)
      return { op: (op as string).toUpperCase(), args: rest.join(' ') }
    })
}

function dockerEnv (instructions: Array<{ op: string, args: string }>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const { args } of instructions.filter(i => i.op === 'ENV')) {
    for (const [, key, value] of args.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[key as string] = value as string
  }
  return env
}

async function cliHelp (command: string): Promise<{ flags: Set<string>, env: Set<string> }> {
  let text = ''
  const io: CommandIO = {
    readStdin: async () => new Uint8Array(),
    stdout: data => { text += data.toString() },
    stderr: data => { text += data },
    env: {}
  }
  expect(await runCli([command, '--help'], io)).toBe(0)
  return { flags: new Set(text.match(/--[a-z][a-z-]*/g)), env: new Set(text.match(/SLURP_[A-Z_]+/g)) }
}

/** The slurp subcommand and its arguments in a command line, after the CLI's script (…/cli.js). */
function slurpInvocation (tokens: readonly string[]): { command: string, args: string[] } | undefined {
  const at = tokens.findIndex(token => token.endsWith('/cli.js'))
  if (at === -1) return undefined
  const rest = tokens.slice(at + 1)
  const end = rest.findIndex(token => [';', '&&', '||', '|'].includes(token))
  const [command, ...args] = end === -1 ? rest : rest.slice(0, end)
  return command === undefined ? undefined : { command, args }
}

function flagsIn (args: readonly string[]): string[] {
  return args.filter(arg => arg.startsWith('--')).map(arg => arg.split('=')[0] as string)
}

function runNode (script: string, env: Record<string, string>): Promise<{ code: number, output: string }> {
  return new Promise(resolve => {
    const { SLURP_HTTP: _http, SLURP_HEALTH_URL: _url, ...rest } = process.env
    execFile(process.execPath, [script], { cwd: projectRoot, env: { ...rest, ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : (typeof error.code === 'number' ? error.code : 1), output: stdout + stderr })
    })
  })
}

async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>(resolve => server.close(() => { resolve() }))
  return port
}

describe('deploy/ files parse and hang together', () => {
  it('every JSON and YAML file parses (YAML strictly: no duplicate keys, no warnings)', () => {
    const json = filesUnder('.', /\.json$/)
    const yaml = filesUnder('.', /\.ya?ml$/)
    expect(json).toContain('grafana/slurp-relay.json')
    expect(yaml).toEqual(expect.arrayContaining(['docker-compose.yml', 'prometheus/alerts.yml', 'prometheus/prometheus.yml']))
    for (const path of json) expect(() => JSON.parse(read(path)), path).not.toThrow()
    for (const path of yaml) yamlOf(path)
  })

  it('the dashboard is importable: a uid, unique panel ids, a query and refId on every target', () => {
    const dashboard = JSON.parse(read('grafana/slurp-relay.json'))
    expect(dashboard.uid).toBe('slurp-relay')
    const panels = dashboard.panels.flatMap((panel: any) => [panel, ...(panel.panels ?? [])])
    expect(new Set(panels.map((panel: any) => panel.id)).size).toBe(panels.length)
    const targets = panels.flatMap((panel: any) => panel.targets ?? [])
    expect(targets.length).toBeGreaterThan(20)
    for (const target of targets) {
      expect(target.expr).toMatch(/\S/)
      expect(target.refId).toMatch(/^[A-Z]$/)
    }
  })

  it('the alert rules cover what the issue asks, each with a severity and a summary', () => {
    const rules = alertRules(yamlOf('prometheus/alerts.yml'))
    expect(rules.map(rule => rule.alert)).toEqual(expect.arrayContaining([
      'SlurpRelayDown', 'SlurpRecordsDegraded', 'SlurpRecordsCritical', 'SlurpRepairFailures',
      'SlurpDiskNearlyFull', 'SlurpDiskFull', 'SlurpRejectionSpike', 'SlurpAuditCheckpointStale'
    ]))
    expect(new Set(rules.map(rule => rule.alert)).size).toBe(rules.length)
    for (const rule of rules) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels.severity)
      expect(rule.annotations.summary, rule.alert).toMatch(/\S/)
      if (rule.for !== undefined) expect(rule.for, rule.alert).toMatch(/^(\d+[smhdwy])+$/)
    }
  })

  it('Prometheus loads the rules, scrapes the job the rules watch, and compose mounts files that exist', () => {
    const prometheus = yamlOf('prometheus/prometheus.yml')
    const rulesFile = posix.basename(prometheus.rule_files[0])
    expect(existsSync(join(deploy, 'prometheus', rulesFile))).toBe(true)
    const down = alertRules(yamlOf('prometheus/alerts.yml')).find(rule => rule.alert === 'SlurpRelayDown')
    const job = /job="([^"]+)"/.exec(down?.expr ?? '')?.[1]
    expect(prometheus.scrape_configs.map((config: any) => config.job_name)).toContain(job)
    const compose = yamlOf('docker-compose.yml')
    for (const [name, service] of Object.entries<any>(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = String(volume).split(':')[0] as string
        if (source.startsWith('.')) expect(existsSync(join(deploy, source)), `${name}: ${source}`).toBe(true)
        else expect(Object.keys(compose.volumes), `${name}: ${source}`).toContain(source)
      }
    }
    const mounted = compose.services.prometheus.volumes.map((volume: string) => volume.split(':')[1])
    expect(mounted).toContain(prometheus.rule_files[0])
  })
})

describe('deploy/ against a running relay', () => {
  let base: string
  let relay: RelayProcess
  let metricsPage: string

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'slurp-deploy-'))
    expect((await slurp(['init', '--dir', join(base, 'net')])).code).toBe(0)
    relay = await startRelayProcess('node', ['--dir', join(base, 'net'), '--data', join(base, 'data'), '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0', '--web', 'off'])
    const response = await fetch(`${relay.ready.http as string}/metrics`)
    expect(response.status).toBe(200)
    metricsPage = await response.text()
  }, 90_000)

  afterAll(async () => {
    await relay?.stop()
    await rm(base, { recursive: true, force: true })
  })

  it('every metric the dashboard and the alert rules query is on the relay\'s /metrics, with the labels they match on', () => {
    const page = parseExposition(metricsPage)
    const queries = [
      ...dashboardQueries(JSON.parse(read('grafana/slurp-relay.json'))),
      ...alertRules(yamlOf('prometheus/alerts.yml')).map(rule => ({ where: `alert ${rule.alert}`, expr: rule.expr }))
    ]
    const problems: string[] = []
    let checked = 0
    for (const { where, expr } of queries) {
      const selectors = metricSelectors(expr)
      expect(selectors.length, `${where}: ${expr}`).toBeGreaterThan(0)
      for (const selector of selectors) {
        checked++
        const problem = checkSelector(selector, page)
        if (problem !== undefined) problems.push(`${where}: ${problem}`)
      }
    }
    expect(checked).toBeGreaterThan(40)
    expect([...new Set(problems)]).toEqual([])
  })

  it('the Dockerfile\'s HEALTHCHECK runs a script that gets 200 from /health, and fails when the relay does not answer 200', async () => {
    const instructions = dockerInstructions(read('Dockerfile'))
    const healthcheck = instructions.find(i => i.op === 'HEALTHCHECK')?.args ?? ''
    const command = JSON.parse(/CMD (\[.*\])$/.exec(healthcheck)?.[1] ?? '[]') as string[]
    expect(command[0]).toBe('node')
    // The image path the check runs, back to the file the Dockerfile copies there.
    const workdir = instructions.filter(i => i.op === 'WORKDIR').at(-1)?.args as string
    const copied = instructions.filter(i => i.op === 'COPY' && !i.args.startsWith('--'))
      .map(i => i.args.split(' ')).find(([, destination]) => posix.resolve(workdir, destination as string) === command[1])
    expect(copied, `no COPY puts ${command[1]} in the image`).toBeDefined()
    const script = join(projectRoot, copied?.[0] as string)
    expect(readFileSync(script, 'utf8')).toContain('/health')

    const http = (relay.ready.http as string).replace('http://', '')
    const port = http.split(':')[1] as string
    expect(await runNode(script, { SLURP_HTTP: http })).toMatchObject({ code: 0 })
    // The image listens on 0.0.0.0: the check asks loopback.
    expect(await runNode(script, { SLURP_HTTP: `0.0.0.0:${port}` })).toMatchObject({ code: 0 })
    expect(await runNode(script, { SLURP_HTTP: `127.0.0.1:${await closedPort()}` })).toMatchObject({ code: 1 })
    expect(await runNode(script, { SLURP_HTTP: 'off' })).toMatchObject({ code: 1, output: expect.stringMatching(/no HTTP API/) })
    // A relay still starting answers 503.
    const starting = createServer((_request, response) => { response.writeHead(503).end('{"status":"starting"}') })
    await new Promise<void>(resolve => starting.listen(0, '127.0.0.1', resolve))
    try {
      const result = await runNode(script, { SLURP_HTTP: `127.0.0.1:${(starting.address() as AddressInfo).port}` })
      expect(result).toMatchObject({ code: 1, output: expect.stringMatching(/answered 503/) })
    } finally {
      starting.close()
    }
  }, 60_000)

  it('the Dockerfile exposes the ports its environment listens on and copies only what its ignore file lets in', () => {
    const instructions = dockerInstructions(read('Dockerfile'))
    const exposed = new Set(instructions.filter(i => i.op === 'EXPOSE').flatMap(i => i.args.split(/\s+/)))
    const env = dockerEnv(instructions)
    expect(exposed).toContain(env.SLURP_HTTP?.split(':').at(-1))
    for (const address of env.SLURP_LISTEN?.split(',') ?? []) expect(exposed).toContain(/\/tcp\/(\d+)/.exec(address)?.[1])
    const compose = yamlOf('docker-compose.yml')
    for (const name of ['relay-1', 'relay-2', 'relay-3']) {
      for (const mapping of compose.services[name].ports) expect(exposed, `${name} ${mapping as string}`).toContain(String(mapping).split(':').at(-1))
    }
    const allowed = read('Dockerfile.dockerignore').split('\n').filter(line => line.startsWith('!')).map(line => line.slice(1).replace(/\/$/, ''))
    for (const copy of instructions.filter(i => i.op === 'COPY' && !i.args.startsWith('--from'))) {
      const sources = copy.args.split(' ').slice(0, -1)
      for (const source of sources) {
        expect(existsSync(join(projectRoot, source)), source).toBe(true)
        expect(allowed.some(entry => source === entry || source.startsWith(`${entry}/`)), `${source} is excluded by Dockerfile.dockerignore`).toBe(true)
      }
    }
  })

  it('the compose file, the systemd unit and the Dockerfile use only flags and environment `slurp … --help` documents', async () => {
    const help = { relay: await cliHelp('relay'), init: await cliHelp('init') }
    const invocations: Array<{ where: string, command: string, args: string[] }> = []

    const compose = yamlOf('docker-compose.yml')
    for (const [name, service] of Object.entries<any>(compose.services)) {
      if (service.image !== 'slurp-relay:local') continue
      const entrypoint: string[] = service.entrypoint ?? ['node', '/app/dist/relay/cli.js']
      const command: string[] = service.command ?? ['relay']
      const tokens = entrypoint.join(' ') === 'sh -c' ? (command[0] as string).split(/\s+/) : [...entrypoint, ...command]
      const invocation = slurpInvocation(tokens)
      expect(invocation, `compose service ${name}`).toBeDefined()
      invocations.push({ where: `compose ${name}`, ...(invocation as { command: string, args: string[] }) })
      for (const key of Object.keys(service.environment ?? {}).filter(key => key.startsWith('SLURP_'))) expect(help.relay.env, `compose ${name}`).toContain(key)
    }
    expect(invocations.map(i => i.command).sort()).toEqual(['init', 'relay', 'relay', 'relay'])

    const unit = read('systemd/slurp-relay.service')
    const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? ''
    const fromUnit = slurpInvocation(execStart.split(/\s+/))
    expect(fromUnit?.command).toBe('relay')
    invocations.push({ where: 'systemd ExecStart', ...(fromUnit as { command: string, args: string[] }) })
    // Commented-out settings too: an operator uncomments them.
    for (const [, key] of unit.matchAll(/^#?Environment=(SLURP_[A-Z_]+)=/gm)) expect(help.relay.env, `systemd ${key as string}`).toContain(key)
    for (const key of Object.keys(dockerEnv(dockerInstructions(read('Dockerfile')))).filter(key => key.startsWith('SLURP_'))) {
      expect(help.relay.env, `Dockerfile ENV ${key}`).toContain(key)
    }

    for (const { where, command, args } of invocations) {
      const known = help[command as keyof typeof help]
      expect(known, `${where}: slurp ${command}`).toBeDefined()
      for (const flag of flagsIn(args)) expect(known.flags, `${where}: slurp ${command} ${flag}`).toContain(flag)
    }
  })
})
