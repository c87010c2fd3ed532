import { chmod, readFile, rename, writeFile } from 'node:fs/promises'
import { NotFoundError } from '../src/errors.ts'

export async function readText (path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`${what} not found at ${path}`)
    throw error
  }
}

/**
 * Writes through a temporary file and a rename, so a crash never leaves a
 * half-written key or policy behind; secrets are created 0600 from the start.
 */
export async function writeFileAtomic (path: string, content: string | Uint8Array, mode = 0o644): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, content, { mode })
  await chmod(temporary, mode)
  await rename(temporary, path)
}
