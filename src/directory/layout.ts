import { sha256 } from '@noble/hashes/sha2.js'
import { normaliseAddress } from '../address/index.ts'
import { resolveAddress } from '../address/resolve.ts'

/**
 * Where a project's directory lives: one record per writer role and shard,
 * at addresses under a reserved first segment. Each is an ordinary context
 * record written as that role, so it is encrypted to exactly the readers of
 * what it lists, and relays see only its DHT key, like any other.
 */
export const RESERVED_SEGMENT = '.slurp'
export const DIRECTORY_SEGMENT = 'directory'
/** Shards per project and role: a listing reads roles × shards records in parallel. */
export const DIRECTORY_SHARDS = 8

/** Whether an address is one of slurp's own (the directory), not the users'. */
export function isReservedAddress (address: string): boolean {
  return resolveAddress(address).segments[0] === RESERVED_SEGMENT
}

/** The project an address belongs to (its project part). */
export function projectOf (address: string): string {
  return resolveAddress(address).project
}

/** Which shard of its project's directory lists an address. */
export function shardOf (canonical: string): number {
  return (sha256(new TextEncoder().encode(canonical))[0] as number) % DIRECTORY_SHARDS
}

export function directoryAddress (project: string, role: string, shard: number): string {
  return normaliseAddress(`ucxl://${project}/${RESERVED_SEGMENT}/${DIRECTORY_SEGMENT}/${encodeURIComponent(role)}/${shard}`)
}

/** A project name as given (`p`, `ucxl://p`, `ucxl://p/`) in canonical form; throws InvalidAddressError. */
export function canonicalProject (project: string): string {
  return resolveAddress(project.startsWith('ucxl://') ? project : `ucxl://${project}/`).project
}
