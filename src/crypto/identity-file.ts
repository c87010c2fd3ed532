import { InvalidKeyError } from '../errors.ts'

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
