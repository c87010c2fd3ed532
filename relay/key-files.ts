import { chmod, readFile, rename, writeFile } from 'node:fs/promises'
import { InvalidKeyError, NotFoundError } from '../src/errors.ts'

/**
 * age identity files, as age-keygen writes them: comment lines, then one or
 * more AGE-SECRET-KEY-1… lines. `age -d -i FILE` reads them as they are.
 */
export function parseIdentityFile (text: string, origin: string): string[] {
  const identities = text.split(/\r?\n/).map(line => line.trim()).filter(line => line !== '' && !line.startsWith('#'))
  if (identities.length === 0) throw new InvalidKeyError(`${origin} holds no age identity`)
  for (const identity of identities) {
    if (!identity.startsWith('AGE-SECRET-KEY-1')) throw new InvalidKeyError(`${origin} has a line that is not an age X25519 identity`)
  }
  return identities
}

export function formatIdentityFile (role: string, entries: ReadonlyArray<{ identity: string, recipient: string, created: string }>): string {
  return entries.map(({ identity, recipient, created }) =>
    `# slurp role: ${role}\n# created: ${created}\n# public key: ${recipient}\n${identity}\n`).join('')
}

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
