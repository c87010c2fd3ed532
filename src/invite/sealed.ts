import { Decrypter, Encrypter } from 'age-encryption'
import { fromBase64url, toBase64url } from '../encoding/base64url.ts'
import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import { InvalidInviteError, InvitePassphraseError } from '../errors.ts'
import { formatInvite, parseInvite } from './invite.ts'
import type { InviteFile } from './invite.ts'

/**
 * A passphrase-sealed invite: the invite's JSON in an age file encrypted to a
 * passphrase (age's scrypt recipient), as base64url so it fits a URL fragment.
 *
 * Why: a browser keeps every URL it opened — fragment included — in its
 * on-disk history, favicon and session files, and `history.replaceState`
 * runs only after the entry exists. A link that carries the invite in the
 * clear leaves the member seed and role keys in the profile for good. A
 * sealed link leaves only ciphertext there; the passphrase travels another
 * way (said, or sent separately) and is typed into a password field, which
 * the browser does not keep.
 */

/** The start of every age file; its base64url form is how a sealed invite is recognised. */
const AGE_HEADER = 'age-encryption.org/v1\n'

/**
 * scrypt work factor (log2 N) for passphrases generateInvitePassphrase made:
 * 100 random bits need no key stretching to resist guessing, and a tab opens
 * the invite in milliseconds instead of seconds. Passphrases people choose get
 * age's default, 18.
 */
export const GENERATED_PASSPHRASE_WORK_FACTOR = 12

/** 32 characters that read out unambiguously (no 0/o, 1/l): 5 bits each, so `& 31` is unbiased. */
const SAFE = 'abcdefghijkmnpqrstuvwxyz23456789'

/** 20 random characters in five dashed groups (100 bits): easy to read out, type or paste. */
export function generateInvitePassphrase (): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20))
  let text = ''
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0 && i % 4 === 0) text += '-'
    text += SAFE[(bytes[i] as number) & 31]
  }
  return text
}

export interface SealOptions {
  /** scrypt work factor (log2 N); age's default is 18. */
  readonly workFactor?: number
}

/** Seals an invite under a passphrase; the result is base64url text for a `#invite=` fragment or a file. */
export async function sealInvite (invite: InviteFile, passphrase: string, options: SealOptions = {}): Promise<string> {
  if (passphrase === '') throw new InvitePassphraseError('a sealed invite needs a non-empty passphrase')
  const encrypter = new Encrypter()
  encrypter.setPassphrase(passphrase)
  if (options.workFactor !== undefined) encrypter.setScryptWorkFactor(options.workFactor)
  return toBase64url(await encrypter.encrypt(utf8Encode(formatInvite(invite))))
}

/** Whether text (a fragment value, a pasted text or a file) is a sealed invite rather than a plain one. */
export function isSealedInvite (text: string): boolean {
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) return false
  try {
    // Only the first few bytes matter: 28 base64url characters are 21 bytes of header.
    return utf8Decode(fromBase64url(trimmed.slice(0, 28))) === AGE_HEADER.slice(0, 21)
  } catch {
    return false
  }
}

/** Opens a sealed invite; a wrong passphrase throws InvitePassphraseError, anything else InvalidInviteError. */
export async function unsealInvite (text: string, passphrase: string): Promise<InviteFile> {
  if (!isSealedInvite(text)) throw new InvalidInviteError('not a sealed invite')
  if (passphrase === '') throw new InvitePassphraseError('this invite is sealed: enter the passphrase that came with it')
  let sealed: Uint8Array
  try {
    sealed = fromBase64url(text.trim())
  } catch (cause) {
    throw new InvalidInviteError('the sealed invite is damaged (not base64url): copy the whole link again', { cause })
  }
  const decrypter = new Decrypter()
  decrypter.addPassphrase(passphrase)
  let plain: Uint8Array
  try {
    plain = await decrypter.decrypt(sealed)
  } catch (cause) {
    // age does not tell a wrong passphrase from a damaged file apart; the person can retry either way.
    throw new InvitePassphraseError('wrong passphrase for this invite (or the link is incomplete)', { cause })
  }
  return parseInvite(utf8Decode(plain))
}
