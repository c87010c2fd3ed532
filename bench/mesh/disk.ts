import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** Bytes of every file under a directory (LevelDB's tables and logs). */
export async function directoryBytes (path: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const full = join(path, entry.name)
    total += entry.isDirectory() ? await directoryBytes(full) : (await stat(full)).size
  }
  return total
}
