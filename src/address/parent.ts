import { buildAddress } from './build.ts'
import { resolveAddress } from './resolve.ts'
import type { UcxlAddress } from './types.ts'

/**
 * The canonical address one segment up, keeping agent, role, project and task;
 * undefined at the root.
 */
export function parentAddress (address: string | UcxlAddress): string | undefined {
  const { agent, role, project, task, segments } = resolveAddress(address)
  if (segments.length === 0) return undefined
  return buildAddress({ agent, role, project, task, segments: segments.slice(0, -1) }).canonical
}
