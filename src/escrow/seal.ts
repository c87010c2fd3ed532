import { RoleKeyring } from '../crypto/keyring.ts'
import { decrypt, encryptToRecipients, isArmored } from '../crypto/role-crypto.ts'
import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import { AccessDeniedError, InvalidShareError } from '../errors.ts'
import type { Custodian } from './custodian.ts'
import { formatShare, parseShare } from './share.ts'
import type { EscrowShare } from './share.ts'

/** The label the custodian's keys are held under while opening a share (not a policy role). */
const CUSTODIAN = 'custodian'
const BINARY_HEADER = 'age-encryption.org/v1\n'

/** A share encrypted to its custodian alone, as armored age text (`age -d` opens it). */
export async function sealShare (share: EscrowShare, custodian: Custodian): Promise<string> {
  if (share.custodian !== custodian.id) throw new InvalidShareError(`share ${share.index} is for ${share.custodian}, not ${custodian.id}`)
  return new TextDecoder().decode(await encryptToRecipients([custodian.recipient], utf8Encode(formatShare(share)), { armor: true }))
}

/** Whether these bytes are an age file (binary or armored) rather than a plaintext share. */
export function isSealed (bytes: Uint8Array): boolean {
  if (isArmored(bytes)) return true
  const head = new TextDecoder().decode(bytes.subarray(0, BINARY_HEADER.length))
  return head === BINARY_HEADER
}

/**
 * Opens a sealed share with a custodian's age identities (AGE-SECRET-KEY-1…;
 * a member's is memberIdentity(seed)). AccessDeniedError: the share is for
 * someone else. DecryptionError: not an age file. InvalidShareError: it opens,
 * but to something that is not a share.
 */
export async function openShare (sealed: Uint8Array, identities: readonly string[]): Promise<EscrowShare> {
  const keyring = await RoleKeyring.from(identities.map(identity => [CUSTODIAN, identity] as const))
  let plaintext: Uint8Array
  try {
    plaintext = await decrypt(keyring, sealed)
  } catch (error) {
    if (error instanceof AccessDeniedError) {
      throw new AccessDeniedError(identities.length === 0
        ? 'no key was given to open this share with'
        : 'this share is for another custodian: none of the keys given opens it', { cause: error })
    }
    throw error
  }
  let text: string
  try {
    text = utf8Decode(plaintext)
  } catch (cause) {
    throw new InvalidShareError('the age file opens, but not to a share document (not UTF-8)', { cause })
  }
  return parseShare(text)
}
