import { UsageError } from '../src/errors.ts'
import type { CommandIO, OptionSpec, ParsedArgs } from './command.ts'

/** Options shared by the commands that talk to the mesh. */
export const MESH_OPTIONS: OptionSpec = {
  bootstrap: { type: 'string', short: 'b', multiple: true }
}

/** --bootstrap given several times or comma-separated; else $SLURP_BOOTSTRAP. */
export function bootstrapFrom (args: ParsedArgs, io: CommandIO): string[] {
  const given = (args.values.bootstrap as string[] | undefined) ?? (io.env.SLURP_BOOTSTRAP === undefined ? [] : [io.env.SLURP_BOOTSTRAP])
  return given.flatMap(value => value.split(',')).map(value => value.trim()).filter(value => value !== '')
}

export function listFrom (args: ParsedArgs, io: CommandIO, name: string, env: string, fallback: string[]): string[] {
  const given = (args.values[name] as string[] | undefined) ?? (io.env[env] === undefined ? undefined : [io.env[env] as string])
  if (given === undefined) return fallback
  return given.flatMap(value => value.split(',')).map(value => value.trim()).filter(value => value !== '')
}

export function hostPort (value: string, flag: string): { hostname: string, port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value)
  const port = Number(match?.[3])
  if (match === null || port > 65535) throw new UsageError(`${flag} takes HOST:PORT (e.g. 127.0.0.1:4080), got "${value}"`)
  return { hostname: match[1] ?? match[2] as string, port }
}

export function positiveInt (value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} takes a whole number ≥ 1`)
  return n
}
