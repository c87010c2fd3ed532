import type { CommandIO } from '../../relay/command.ts'
import { runCli } from '../../relay/run-cli.ts'

export interface InProcessRun {
  code: number
  stdout: string
  /** stdout as bytes, for commands that print binary (encrypt, escrow). */
  stdoutBytes: Uint8Array
  stderr: string
  json (): any
}

export interface InProcessOptions {
  input?: Uint8Array | string
  env?: Record<string, string>
  /** What the command gets as its Ctrl-C signal (import, export). */
  interrupt?: AbortSignal
  onStderr?: (text: string) => void
}

/**
 * The CLI in this process: the same runCli the `slurp` binary calls, with
 * captured streams. Faster than test/helpers/cli.ts's real process, for tests
 * about what a command does rather than about the process.
 */
export async function slurpInProcess (args: string[], options: InProcessOptions = {}): Promise<InProcessRun> {
  const out: Uint8Array[] = []
  let stderr = ''
  const input = options.input ?? ''
  const io: CommandIO = {
    readStdin: async () => typeof input === 'string' ? new TextEncoder().encode(input) : input,
    stdout: data => { out.push(typeof data === 'string' ? new TextEncoder().encode(data) : data) },
    stderr: text => { stderr += text; options.onStderr?.(text) },
    env: options.env ?? {},
    ...(options.interrupt === undefined ? {} : { interrupt: () => options.interrupt as AbortSignal })
  }
  const code = await runCli(args, io)
  const stdoutBytes = new Uint8Array(await new Blob(out as BlobPart[]).arrayBuffer())
  const stdout = new TextDecoder().decode(stdoutBytes)
  return { code, stdout, stdoutBytes, stderr, json: () => JSON.parse(stdout) }
}
