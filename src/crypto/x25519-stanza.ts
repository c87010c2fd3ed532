import { base64nopad } from '@scure/base'
import { Stanza } from 'age-encryption'
import type { Identity, Recipient } from 'age-encryption'
import { concatBytes } from '../encoding/bytes.ts'
import type { AgePrimitives, X25519KeyAgreement } from './primitives.ts'

/**
 * age's X25519 recipient stanza (age-encryption.org/v1, "X25519" type), over
 * pluggable primitives. Interchangeable with `age -r` / `age -d -i`.
 */
const LABEL = new TextEncoder().encode('age-encryption.org/v1/X25519')
const STANZA_TYPE = 'X25519'
const FILE_KEY_BYTES = 16
const WRAPPED_KEY_BYTES = FILE_KEY_BYTES + 16

export class X25519StanzaRecipient implements Recipient {
  constructor (private readonly primitives: AgePrimitives, private readonly publicKey: Uint8Array) {}

  async wrapFileKey (fileKey: Uint8Array): Promise<Stanza[]> {
    const ephemeral = await this.primitives.generateEphemeral()
    const secret = await ephemeral.agree(this.publicKey)
    rejectLowOrder(secret)
    const key = this.primitives.hkdfSha256(secret, concatBytes(ephemeral.publicKey, this.publicKey), LABEL, 32)
    return [new Stanza([STANZA_TYPE, base64nopad.encode(ephemeral.publicKey)], this.primitives.seal(key, fileKey))]
  }
}

/** Remembers whether it opened anything, so callers can tell "not for you" from "corrupt". */
export class X25519StanzaIdentity implements Identity {
  matched = false

  constructor (private readonly primitives: AgePrimitives, private readonly keyPair: X25519KeyAgreement) {}

  get publicKey (): Uint8Array {
    return this.keyPair.publicKey
  }

  async unwrapFileKey (stanzas: Stanza[]): Promise<Uint8Array | null> {
    for (const stanza of stanzas) {
      if (stanza.args[0] !== STANZA_TYPE) continue
      if (stanza.args.length !== 2 || stanza.body.length !== WRAPPED_KEY_BYTES) throw new Error('invalid X25519 stanza')
      let share: Uint8Array
      try {
        share = base64nopad.decode(stanza.args[1] as string)
      } catch {
        throw new Error('invalid X25519 stanza share')
      }
      if (share.length !== 32) throw new Error('invalid X25519 stanza share')
      const secret = await this.keyPair.agree(share)
      rejectLowOrder(secret)
      const key = this.primitives.hkdfSha256(secret, concatBytes(share, this.keyPair.publicKey), LABEL, 32)
      const fileKey = this.primitives.open(key, stanza.body)
      if (fileKey !== null) {
        this.matched = true
        return fileKey
      }
    }
    return null
  }
}

function rejectLowOrder (secret: Uint8Array): void {
  // An all-zero shared secret means a low-order point: age refuses it.
  if (secret.every(byte => byte === 0)) throw new Error('X25519 low-order point')
}
