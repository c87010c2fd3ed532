import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { scrypt } from '@noble/hashes/scrypt.js'
import { base64nopad } from '@scure/base'
import type { Identity, Stanza } from '../../../src/crypto/age-file/index.ts'

/**
 * age's passphrase identity (age-encryption.org/v1, "scrypt" recipient type),
 * only so the CCTV vectors that use a passphrase can run: slurp itself never
 * encrypts to passphrases. Checks as the reference Go implementation does.
 */
const LABEL = 'age-encryption.org/v1/scrypt'
const MAX_WORK_FACTOR = 22

export class ScryptIdentity implements Identity {
  constructor (private readonly passphrase: string) {}

  unwrapFileKey (stanzas: Stanza[]): Uint8Array | null {
    if (stanzas.some(stanza => stanza.args[0] === 'scrypt') && stanzas.length !== 1) throw new Error('an scrypt stanza must be the only one in the header')
    const stanza = stanzas[0]
    if (stanzas.length !== 1 || stanza === undefined || stanza.args[0] !== 'scrypt') return null
    if (stanza.args.length !== 3) throw new Error('invalid scrypt stanza arguments')
    const salt = base64nopad.decode(stanza.args[1] as string)
    if (salt.length !== 16) throw new Error('invalid scrypt salt')
    const workFactor = stanza.args[2] as string
    if (!/^[1-9][0-9]*$/.test(workFactor)) throw new Error('invalid scrypt work factor')
    const logN = Number(workFactor)
    if (logN > MAX_WORK_FACTOR) throw new Error('scrypt work factor too large')
    if (stanza.body.length !== 32) throw new Error('invalid scrypt stanza body')
    const label = new TextEncoder().encode(LABEL)
    const fullSalt = new Uint8Array(label.length + salt.length)
    fullSalt.set(label)
    fullSalt.set(salt, label.length)
    const key = scrypt(new TextEncoder().encode(this.passphrase), fullSalt, { N: 2 ** logN, r: 8, p: 1, dkLen: 32 })
    try {
      return chacha20poly1305(key, new Uint8Array(12)).decrypt(stanza.body)
    } catch {
      return null
    }
  }
}
