import { agePrimitives } from '#age-x25519'
import { identityToScalar, recipientToPublicKey } from '../../../src/crypto/age-keys.ts'
import { generateRoleKey } from '../../../src/crypto/generate.ts'
import type { RoleKeyPair } from '../../../src/crypto/generate.ts'
import { X25519StanzaIdentity, X25519StanzaRecipient } from '../../../src/crypto/x25519-stanza.ts'

/** An age X25519 key pair as strings (for typage and the age CLI) and as stanza recipient/identity. */
export interface TestKey extends RoleKeyPair {
  readonly recipientObject: X25519StanzaRecipient
  /** A fresh identity object (its `matched` flag describes one file). */
  identityObject (): Promise<X25519StanzaIdentity>
}

export function testKeyFrom (pair: RoleKeyPair): TestKey {
  return {
    ...pair,
    recipientObject: new X25519StanzaRecipient(agePrimitives, recipientToPublicKey(pair.recipient)),
    identityObject: async () => await stanzaIdentity(pair.identity)
  }
}

/** AGE-SECRET-KEY-1… → an identity for the codec. */
export async function stanzaIdentity (identity: string): Promise<X25519StanzaIdentity> {
  return new X25519StanzaIdentity(agePrimitives, await agePrimitives.importScalar(identityToScalar(identity)))
}

export async function testKeys (count: number): Promise<TestKey[]> {
  const keys: TestKey[] = []
  for (let i = 0; i < count; i++) keys.push(testKeyFrom(await generateRoleKey()))
  return keys
}

/** Random bytes of any length (getRandomValues fills at most 64 KiB per call). */
export function randomBytes (length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)))
  return out
}

/** vitest's toEqual walks typed arrays element by element: seconds per MiB. This compares fast. */
export function sameBytes (actual: Uint8Array, expected: Uint8Array): { length: number, firstDifference: number } {
  let firstDifference = -1
  const length = Math.min(actual.length, expected.length)
  for (let i = 0; i < length; i++) {
    if (actual[i] !== expected[i]) {
      firstDifference = i
      break
    }
  }
  return { length: actual.length - expected.length, firstDifference }
}

export const SAME = { length: 0, firstDifference: -1 }
