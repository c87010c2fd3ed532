import { ed25519 } from '@noble/curves/ed25519.js'
import { InvalidKeyError } from '../errors.ts'
import { publicKeyToRecipient, scalarToIdentity } from './age-keys.ts'

/**
 * Every member can receive age-encrypted keys (key bundles, escrow shares)
 * without a second key pair: its Ed25519 member key maps to an X25519 key on
 * the birationally equivalent curve, as age's ssh-ed25519 recipients and
 * libsodium's crypto_sign_ed25519_pk_to_curve25519 do. Anyone who knows a
 * member's certificate can encrypt to it; only the member's seed opens it.
 */
export function memberRecipient (memberPublicKey: Uint8Array): string {
  if (memberPublicKey.length !== 32) throw new InvalidKeyError('a member key is a 32-byte Ed25519 public key')
  try {
    return publicKeyToRecipient(ed25519.utils.toMontgomery(memberPublicKey))
  } catch (cause) {
    throw new InvalidKeyError('not a valid Ed25519 public key', { cause })
  }
}

/** The age identity (AGE-SECRET-KEY-1…) that opens what was encrypted to memberRecipient of this seed's public key. */
export function memberIdentity (memberSeed: Uint8Array): string {
  if (memberSeed.length !== 32) throw new InvalidKeyError('a member seed is 32 bytes')
  return scalarToIdentity(ed25519.utils.toMontgomerySecret(memberSeed))
}
