import { ageAead } from '#age-aead'
import type { AgeAead } from './aead.ts'
import { armorAge, dearmorAge } from './armor.ts'
import { AgeMalformedError, AgeNoMatchError, messageOf } from './errors.ts'
import { encodeHeader, parseHeader } from './header.ts'
import { headerMacMatches } from './mac.ts'
import type { Identity, Recipient, Stanza } from './stanza.ts'
import { decryptPayload, payloadLength, payloadPlaintextLength, sealPayload } from './stream.ts'

/**
 * Whole age v1 files in memory: encrypt, decrypt, open only the header, and
 * re-wrap (new stanzas and MAC for the same file key, payload bytes untouched).
 */
export const FILE_KEY_BYTES = 16

export interface AgeEncryptOptions {
  /** ASCII armor (PEM-like text), as `age --armor` writes. */
  armor?: boolean
  /** The payload cipher; the runtime's `#age-aead` adapter by default. */
  aead?: AgeAead
}

export interface AgeDecryptOptions {
  aead?: AgeAead
}

export interface OpenedAgeHeader {
  /** The 16-byte file key. Keep it to this file: it opens the payload and signs the header. */
  readonly fileKey: Uint8Array
  /** Length of the header in the binary file (for armored input: in the decoded file). */
  readonly headerLength: number
  readonly stanzas: Stanza[]
  /** The identity that unwrapped the file key. */
  readonly identity: Identity
  /** The binary file after its header: payload nonce and STREAM chunks (a view, not a copy). */
  readonly payload: Uint8Array
}

async function wrap (recipients: readonly Recipient[], fileKey: Uint8Array): Promise<Stanza[]> {
  if (recipients.length === 0) throw new TypeError('an age file needs at least one recipient')
  const stanzas: Stanza[] = []
  for (const recipient of recipients) stanzas.push(...await recipient.wrapFileKey(fileKey))
  return stanzas
}

export async function encryptAgeFile (recipients: readonly Recipient[], plaintext: Uint8Array, options: AgeEncryptOptions = {}): Promise<Uint8Array> {
  const fileKey = crypto.getRandomValues(new Uint8Array(FILE_KEY_BYTES))
  const header = encodeHeader(await wrap(recipients, fileKey), fileKey)
  const file = new Uint8Array(header.length + payloadLength(plaintext.length))
  file.set(header)
  sealPayload(fileKey, plaintext, file.subarray(header.length), options.aead ?? ageAead)
  return options.armor === true ? armorAge(file) : file
}

/**
 * Parses the header (binary or armored input), unwraps the file key with the
 * first identity that recognises a stanza, and verifies the header MAC. The
 * input may be a whole file or its header alone (then `payload` is empty).
 * AgeNoMatchError: well-formed, but for none of these identities.
 * AgeMalformedError: anything malformed or tampered (see its `reason`).
 */
export async function decryptAgeHeader (identities: readonly Identity[], ciphertext: Uint8Array): Promise<OpenedAgeHeader> {
  const file = dearmorAge(ciphertext)
  const header = parseHeader(file)
  for (const identity of identities) {
    let fileKey: Uint8Array | null
    try {
      fileKey = await identity.unwrapFileKey(header.stanzas)
    } catch (cause) {
      throw new AgeMalformedError('stanza', `invalid recipient stanza: ${messageOf(cause)}`, { cause })
    }
    if (fileKey === null) continue
    if (fileKey.length !== FILE_KEY_BYTES) throw new AgeMalformedError('stanza', `an identity unwrapped a ${fileKey.length}-byte file key, not ${FILE_KEY_BYTES}`)
    if (!headerMacMatches(fileKey, header.macInput, header.mac)) throw new AgeMalformedError('mac', 'the age header MAC does not verify (the header was altered)')
    return { fileKey, headerLength: header.length, stanzas: header.stanzas, identity, payload: file.subarray(header.length) }
  }
  throw new AgeNoMatchError(identities.length === 0
    ? 'no identities to decrypt with'
    : `none of the ${identities.length} identities matches any of the file's ${header.stanzas.length} stanzas`)
}

export async function decryptAgeFile (identities: readonly Identity[], ciphertext: Uint8Array, options: AgeDecryptOptions = {}): Promise<Uint8Array> {
  const { fileKey, payload } = await decryptAgeHeader(identities, ciphertext)
  return decryptPayload(fileKey, payload, options.aead ?? ageAead)
}

/**
 * The same file for other readers: a new header (fresh stanzas from
 * `newRecipients`, a new MAC) before the original payload bytes. Old stanzas are
 * dropped; the file key stays, so anyone who kept it (or an old copy) can still
 * read this payload. The payload's layout is checked, not decrypted.
 */
export async function rewrapAgeFile (ciphertext: Uint8Array, identities: readonly Identity[], newRecipients: readonly Recipient[], options: Pick<AgeEncryptOptions, 'armor'> = {}): Promise<Uint8Array> {
  const { fileKey, payload } = await decryptAgeHeader(identities, ciphertext)
  payloadPlaintextLength(payload)
  const header = encodeHeader(await wrap(newRecipients, fileKey), fileKey)
  const file = new Uint8Array(header.length + payload.length)
  file.set(header)
  file.set(payload, header.length)
  return options.armor === true ? armorAge(file) : file
}
