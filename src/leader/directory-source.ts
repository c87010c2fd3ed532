import { utf8Encode } from '../encoding/bytes.ts'

/**
 * A directory's "source" in a generation request: the addresses it holds, so
 * the leader summarises it from its children's generated context (which it
 * reads: every generated record is readable by the leader role).
 */
export const DIRECTORY_SOURCE_FORMAT = 'slurp-directory/1'

export function directorySource (children: readonly string[]): Uint8Array {
  return utf8Encode(JSON.stringify({ format: DIRECTORY_SOURCE_FORMAT, children }))
}

/** The children a directory source lists; undefined for any other source (a file's text). */
export function parseDirectorySource (text: string): string[] | undefined {
  if (!text.startsWith(`{"format":"${DIRECTORY_SOURCE_FORMAT}"`)) return undefined
  try {
    const value = JSON.parse(text) as { children?: unknown }
    return Array.isArray(value.children) && value.children.every(child => typeof child === 'string') ? value.children as string[] : undefined
  } catch {
    return undefined
  }
}
