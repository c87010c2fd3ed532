import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { projectRoot } from './cli.ts'

export type Runtime = 'node' | 'bun' | 'deno'

/** How each runtime runs the CLI from source. */
export function cliCommand (runtime: Runtime): [string, string[]] {
  switch (runtime) {
    case 'node': return [process.execPath, ['--conditions=slurp-source', '--import', 'tsx', 'relay/cli.ts']]
    case 'bun': return [`${projectRoot}node_modules/.bin/bun`, ['relay/cli.ts']]
    case 'deno': return [`${projectRoot}node_modules/.bin/deno`, ['run', '--allow-all', 'relay/cli.ts']]
  }
}

export interface RelayProcess {
  child: ChildProcess
  ready: { peerId: string, multiaddrs: string[], http: string | null }
  output (): string
  /** Sends SIGTERM and resolves with the exit code. */
  stop (): Promise<number | null>
}

/** Starts `slurp relay` as a process and waits for its ready line. */
export async function startRelayProcess (runtime: Runtime, args: string[], timeoutMs = 60_000): Promise<RelayProcess> {
  return await startServerProcess(runtime, 'relay', args, timeoutMs)
}

/** Starts a long-running command (`relay`, `coordinator`) as a process and waits for its ready line. */
export async function startServerProcess (runtime: Runtime, name: 'relay' | 'coordinator', args: string[], timeoutMs = 60_000): Promise<RelayProcess> {
  const [command, prefix] = cliCommand(runtime)
  const child = spawn(command, [...prefix, name, ...args], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = new Promise<number | null>(resolve => child.on('exit', code => { resolve(code) }))
  const ready = await new Promise<RelayProcess['ready']>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`${runtime} ${name} not ready in ${timeoutMs} ms:\n${stdout}\n${stderr}`)) }, timeoutMs)
    const check = (): void => {
      const line = stdout.split('\n').find(l => l.includes('"event":"ready"'))
      if (line !== undefined) {
        clearTimeout(timer)
        resolve(JSON.parse(line))
      }
    }
    child.stdout.on('data', check)
    exited.then(code => { clearTimeout(timer); reject(new Error(`${runtime} ${name} exited with ${code}:\n${stdout}\n${stderr}`)) }).catch(reject)
  })
  return {
    child,
    ready,
    output: () => `${stdout}\n${stderr}`,
    stop: async () => {
      child.kill('SIGTERM')
      return await exited
    }
  }
}
