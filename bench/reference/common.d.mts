// Types of common.mjs, for slurp.ts (the repository's type check covers bench/).
import type { ChildProcess } from 'node:child_process'

export const DOCS: number
export const WARMUP: number
export const BODY_BYTES: number
export const CATCH_UP_TIMEOUT_MS: number

export function docBody (): string
export function sleep (ms: number): Promise<void>
export function until (check: () => boolean | Promise<boolean>, options?: { timeoutMs?: number, everyMs?: number, what?: string }): Promise<number>
export function ownTempDir (path: string): string
export function stopChildren (graceMs?: number): Promise<void>
export function finish (code: number): Promise<never>

export interface ChildMessage { type: string, [key: string]: unknown }

export interface ChildHandle {
  readonly child: ChildProcess
  readonly spawnedAt: number
  readonly exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  output (): string
  send (message: ChildMessage): void
  next (type: string): Promise<ChildMessage>
  stop (graceMs?: number): Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

export function startChild (command: string, args: string[], options?: { cwd?: string, env?: NodeJS.ProcessEnv, label?: string, quiet?: boolean }): ChildHandle
export function serveParent (handlers: Record<string, (message: ChildMessage) => unknown>): void
export function summary (values: readonly number[]): { median: number, min: number, max: number, n: number }
export function percentile (values: readonly number[], p: number): number

export interface SequentialWrites {
  writesPerSecond: number
  seconds: number
  p50: number
  p99: number
  max: number
}
export function timeSequentialWrites (count: number, write: (i: number) => Promise<void>): Promise<SequentialWrites>
