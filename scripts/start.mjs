#!/usr/bin/env node
// `npm start`: the product on its embedded defaults. Creates a network in
// ./.slurp on first run (or $SLURP_DIR), shows it, and runs a local mesh of
// three relays (data in .slurp/relay-N) until Ctrl-C.
//   --port-base N (or SLURP_PORT_BASE)       relays on N+1/N+2, N+11/N+12, N+21/N+22, HTTP on N+80,
//                                            the generation coordinator on N+91, its HTTP on N+90 (default 4000)
//   --show-invite (or SLURP_SHOW_INVITE=1)  also print the browser link and its passphrase
//   --invite-only                            print them and exit (the mesh may be running elsewhere)
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { freePortBase, startOptions, startPlan, takenPorts } from './start-plan.mjs'
import { keptWebInvite } from './web-invite.mjs'

const root = new URL('..', import.meta.url).pathname
const cli = join(root, 'dist/relay/cli.js')
const dir = process.env.SLURP_DIR ?? '.slurp'
let options
try {
  options = startOptions(process.argv.slice(2), process.env)
} catch (error) {
  console.error(`npm start: ${error.message}`)
  process.exit(2)
}
const { portBase, inviteOnly, showInvite } = options
const plan = startPlan(portBase)
const webUrl = plan.webUrl

if (!inviteOnly) {
  // Said before anything starts, instead of libp2p's stack trace from the first relay.
  const taken = await takenPorts(plan.ports)
  if (taken.length > 0) {
    const other = await freePortBase(portBase)
    const uses = taken.length === plan.ports.length ? '' : ` (npm start uses ${plan.ports.join(', ')})`
    console.error(`npm start: port${taken.length === 1 ? '' : 's'} ${taken.join(', ')} on 127.0.0.1 ${taken.length === 1 ? 'is' : 'are'} taken${uses}.
Is npm start (or another relay) already running? Stop it, or choose other ports (these are free now):
  npm start -- --port-base ${other}     (or SLURP_PORT_BASE=${other} npm start; ports ${other + 1}–${other + 91})`)
    process.exit(1)
  }
}

if (!existsSync(cli)) {
  console.error('dist/ is missing: run "npm install" (it builds), or "npm run build".')
  process.exit(1)
}

function slurp (...args) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' })
  if (result.status !== 0) {
    process.stderr.write(result.stderr)
    process.exit(result.status ?? 1)
  }
  return result.stdout
}

if (!existsSync(join(dir, 'network.json'))) {
  const created = JSON.parse(slurp('init', '--dir', dir))
  console.log(`Created a new slurp network in ${dir} (root key ${created.network}).`)
} else {
  console.log(`Using the slurp network in ${dir}.`)
}

const policy = JSON.parse(slurp('policy', '--dir', dir))

/** The kept browser invite (minted once, renewed near expiry): the link and passphrase only when asked. */
function webInviteText () {
  const invite = keptWebInvite({ cli: [cli], dir, webUrl, roles: policy.roles.map(r => r.name), policyVersion: policy.version })
  const until = new Date(invite.notAfter).toISOString().slice(0, 10)
  if (!showInvite) {
    return `Your browser invite (every role, valid until ${until}) is kept in ${invite.path}, readable by you only.
Print its link and passphrase with:  npm start -- --invite-only   (or start with --show-invite)`
  }
  return `Open the web peer with this link and enter the passphrase (every role, valid until ${until}).
Both are secret; the link alone is sealed, so your browser history keeps nothing usable:
  ${invite.url}
  passphrase: ${invite.passphrase}`
}

if (inviteOnly) {
  console.log(webInviteText())
  process.exit(0)
}
console.log(`Policy version ${policy.version}, ${policy.roles.length} roles:\n`)
const width = Math.max(...policy.roles.map(r => r.name.length))
for (const role of policy.roles) {
  console.log(`  ${role.name.padEnd(width)}  ${role.authority.padEnd(12)}  writes: ${role.writes.join(', ') || '—'}`)
  console.log(`  ${''.padEnd(width)}  ${''.padEnd(12)}  read by: ${role.readers.join(', ')}`)
}
// Three relays, each on WebSockets too: a browser tab talks to every relay that holds its records.
const relays = plan.relays.map(relay => relay.args)
const children = []
let firstAddress

function startRelay (index) {
  const args = [cli, 'relay', '--dir', dir, '--data', join(dir, `relay-${index + 1}`), ...relays[index]]
  if (firstAddress !== undefined) args.push('--bootstrap', firstAddress)
  return startChild(`relay ${index + 1}`, args)
}

// The network's one voter leads context generation ("slurp index", "slurp generate").
function startCoordinator () {
  return startChild('coordinator', [cli, 'coordinator', '--dir', dir, '--data', join(dir, 'coordinator'), ...plan.coordinator.args, '--bootstrap', firstAddress])
}

function startChild (name, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    // Several processes log to one terminal: each line says whose it is.
    createInterface({ input: child.stderr }).on('line', line => { process.stderr.write(`${name}: ${line}\n`) })
    let buffered = ''
    child.stdout.on('data', chunk => {
      buffered += chunk
      const line = buffered.split('\n').find(l => l.includes('"event":"ready"'))
      if (line !== undefined && buffered !== null) {
        buffered = null
        resolve(JSON.parse(line))
      }
    })
    // 'close', not 'exit': the relay's last stderr lines (why it stopped) are printed first.
    child.on('close', code => { if (buffered !== null) reject(new Error(`${name} exited with code ${code}`)) })
  })
}

function stopAll () {
  for (const child of children) child.kill('SIGTERM')
}
process.on('SIGINT', stopAll)
process.on('SIGTERM', stopAll)

try {
  for (let i = 0; i < relays.length; i++) {
    const ready = await startRelay(i)
    firstAddress ??= ready.multiaddrs[0]
    console.log(`relay ${i + 1}: ${ready.peerId}  ${ready.multiaddrs.join(' ')}${ready.http === null ? '' : `  ${ready.http}`}`)
  }
  // A network made before generation existed names no voter yet: this directory's member becomes the one.
  if (JSON.parse(slurp('voters', '--dir', dir)).generation === null) slurp('voters', 'set', '--self', '--dir', dir, '--bootstrap', firstAddress)
  const coordinator = await startCoordinator()
  console.log(`coordinator: ${coordinator.peerId}  ${coordinator.multiaddrs.join(' ')}  ${coordinator.http}`)
} catch (error) {
  console.error(`could not start the mesh: ${error.message}`)
  stopAll()
  process.exit(1)
}

const webBuilt = existsSync(join(root, 'dist/web/index.html'))

console.log(`
The mesh is up: three relays, HTTP API on ${webUrl} (/health, /status, /metrics), and a coordinator
that generates context from code ("slurp index", "slurp generate"; "slurp leader" and http://${plan.coordinator.args.at(-1)}/status show it).
Each logs a summary of peers, stores and rejections every 10 s while busy (SLURP_LOG_LEVEL=debug: every event).
${webBuilt
  ? `${webInviteText()}
(Or open ${webUrl} and import an invite file from "slurp invite --dir ${dir} --roles ROLE".)`
  : 'The web app is not built (run "npm run build"); the relays and the CLI work without it.'}
Try the CLI in another terminal (alias slurp="node ${cli}"):
  echo '{"summary":"Entry point of the API server"}' | slurp put ucxl://project123/src/main.go --dir ${dir} --as backend_developer
  slurp get ucxl://project123/src/main.go --dir ${dir} --role senior_architect
  echo "why we chose LevelDB" | slurp encrypt --dir ${dir} --as backend_developer --armor | slurp decrypt --dir ${dir} --role devops_engineer
  slurp rotate --dir ${dir} --role backend_developer     # new keys; the relays take the new policy at once
  slurp index . --dir ${dir} --as backend_developer --project slurp   # context for every file of this repository
  slurp get ucxl://slurp/src/peer.ts --dir ${dir} --role backend_developer
Ctrl-C stops the relays and the coordinator; their records stay in ${dir}/relay-N, the generation log in ${dir}/coordinator.
`)
await Promise.all(children.map(child => new Promise(resolve => child.on('exit', resolve))))
