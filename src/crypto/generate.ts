import { agePrimitives } from '#age-x25519'
import { identityToScalar, publicKeyToRecipient, scalarToIdentity } from './age-keys.ts'

export interface RoleKeyPair {
  /** AGE-SECRET-KEY-1…: keep secret; the `age` tool reads it with -i. */
  readonly identity: string
  /** age1…: published in the policy. */
  readonly recipient: string
}

export async function generateRoleKey (): Promise<RoleKeyPair> {
  const scalar = crypto.getRandomValues(new Uint8Array(32))
  const keyPair = await agePrimitives.importScalar(scalar)
  return { identity: scalarToIdentity(scalar), recipient: publicKeyToRecipient(keyPair.publicKey) }
}

export async function recipientOf (identity: string): Promise<string> {
  const keyPair = await agePrimitives.importScalar(identityToScalar(identity))
  return publicKeyToRecipient(keyPair.publicKey)
}
