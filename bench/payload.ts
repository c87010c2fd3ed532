import { randomBytes } from 'node:crypto'

export const KiB = 1024
export const MiB = 1024 * KiB

export function sizeLabel (bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`
  return `${bytes} B`
}

/** Random, so nothing downstream can take a shortcut on repetitive input. */
export function payload (bytes: number): Uint8Array {
  return new Uint8Array(randomBytes(bytes))
}
