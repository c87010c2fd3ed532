import type { RoleKeyring } from '../crypto/keyring.ts'
import { parseIdentityFile } from '../crypto/identity-file.ts'
import { decryptWithKeyring, encryptToRecipients } from '../crypto/role-crypto.ts'
import { fromBase64url, toBase64url } from '../encoding/base64url.ts'
import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'

/**
 * Identities sealed as an age file around an age identity file: what
 * `age -d -i ROLE_KEY sealed.age` prints is itself usable with `age -d -i`.
 * Policies carry them base64url.
 */
export interface SealedLine {
  readonly comment?: string
  readonly identity: string
}

export async function sealIdentities (lines: readonly SealedLine[], recipients: readonly string[], heading: string): Promise<string> {
  const text = [`# ${heading}`, ...lines.flatMap(line => [...(line.comment === undefined ? [] : [`# ${line.comment}`]), line.identity])].join('\n') + '\n'
  return toBase64url(await encryptToRecipients(recipients, utf8Encode(text)))
}

/** The identity file inside, opened with the keyring's role keys (AccessDeniedError when none fits). */
export async function openSealedText (sealed: string, keyring: RoleKeyring): Promise<{ text: string, role: string }> {
  const { plaintext, role } = await decryptWithKeyring(keyring, fromBase64url(sealed), { roleKeysOnly: true })
  return { text: utf8Decode(plaintext), role }
}

export async function openSealedIdentities (sealed: string, keyring: RoleKeyring): Promise<{ identities: string[], role: string }> {
  const { text, role } = await openSealedText(sealed, keyring)
  return { identities: parseIdentityFile(text, 'a sealed reader key'), role }
}
