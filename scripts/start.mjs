#!/usr/bin/env node
// `npm start`: the product on its embedded defaults. Creates a network in
// ./.slurp on first run (or $SLURP_DIR), then shows it and how to use it.
// Relays and the web peer join this script as they land.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const cli = join(root, 'dist/relay/cli.js')
const dir = process.env.SLURP_DIR ?? '.slurp'

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
console.log(`Policy version ${policy.version}, ${policy.roles.length} roles:\n`)
const width = Math.max(...policy.roles.map(r => r.name.length))
for (const role of policy.roles) {
  console.log(`  ${role.name.padEnd(width)}  ${role.authority.padEnd(12)}  writes: ${role.writes.join(', ') || '—'}`)
  console.log(`  ${''.padEnd(width)}  ${''.padEnd(12)}  read by: ${role.readers.join(', ')}`)
}
console.log(`
Try it:
  echo "why we chose LevelDB" | npx slurp encrypt --dir ${dir} --as backend_developer --armor > note.age
  npx slurp decrypt --dir ${dir} --role senior_architect < note.age
  age -d -i ${dir}/keys/devops_engineer.age note.age     # the age CLI reads slurp's files
  npx slurp --help
`)
