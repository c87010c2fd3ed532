import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Bun and Deno (npm dev dependencies) with the arguments that run `script` from source. */
export function runtimesFor (script: string): Array<[name: string, binary: string, args: string[]]> {
  return [
    ['bun', `${root}node_modules/.bin/bun`, [script]],
    ['deno', `${root}node_modules/.bin/deno`, ['run', '--allow-read', '--allow-env', script]]
  ]
}

export function run (command: string, args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise(resolve => {
    execFile(command, args, { cwd: root, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : (typeof error.code === 'number' ? error.code : 1), stdout, stderr })
    })
  })
}
