import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url))

export interface CliResult {
  code: number
  stdout: Buffer
  stderr: string
  json (): any
}

/**
 * Runs the slurp CLI from source, as a real process (Node, tsx), so tests see
 * exactly what a user sees: exit codes, stdout bytes, stderr text.
 */
export async function slurp (args: string[], options: { input?: Uint8Array | string, env?: Record<string, string> } = {}): Promise<CliResult> {
  return await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=slurp-source', '--import', 'tsx', 'relay/cli.ts', ...args], {
      cwd: projectRoot,
      env: { ...process.env, ...options.env }
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.on('error', reject)
    child.on('close', code => {
      const stdout = Buffer.concat(out)
      resolve({ code: code ?? 1, stdout, stderr: Buffer.concat(err).toString(), json: () => JSON.parse(stdout.toString()) })
    })
    child.stdin.end(options.input ?? '')
  })
}
