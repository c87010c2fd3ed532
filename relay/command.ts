import type { ParseArgsConfig } from 'node:util'

export type OptionSpec = NonNullable<ParseArgsConfig['options']>

/** What a command may touch: its streams, so tests and the CLI share one path. */
export interface CommandIO {
  readStdin (): Promise<Uint8Array>
  stdout (data: string | Uint8Array): void
  stderr (text: string): void
  env: Readonly<Record<string, string | undefined>>
  /** Whether stderr is a terminal (progress is then one line redrawn in place). */
  stderrIsTTY?: boolean
  /**
   * For commands that can stop cleanly and say where they stopped (import,
   * export): a signal that fires on the first Ctrl-C or SIGTERM. Only asking
   * for it changes what Ctrl-C does; a second one still ends the process.
   */
  interrupt?: () => AbortSignal
}

export interface ParsedArgs {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>
  positionals: string[]
}

export interface Command {
  name: string
  summary: string
  usage: string
  /** Lines after the usage line in --help. */
  details: string
  options: OptionSpec
  allowPositionals?: boolean
  run (args: ParsedArgs, io: CommandIO): Promise<void>
}

/** Options every command takes. */
export const DIR_OPTION: OptionSpec = {
  dir: { type: 'string', short: 'd' }
}

export function dirFrom (args: ParsedArgs, io: CommandIO): string {
  return (args.values.dir as string | undefined) ?? io.env.SLURP_DIR ?? '.slurp'
}

export function printJson (io: CommandIO, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`)
}
