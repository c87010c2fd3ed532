import type { KeyObject } from 'node:crypto'
import { Decrypter } from 'age-encryption'
import { identityToScalar } from '../src/crypto/age-keys.ts'
import { generateRoleKey } from '../src/crypto/generate.ts'
import type { RoleKeyPair } from '../src/crypto/generate.ts'
import { RoleKeyring } from '../src/crypto/keyring.ts'
import { x25519PrivateKey } from './native-age.ts'

/** The role a benchmark reader holds; any valid role name would do. */
export const READER_ROLE = 'backend_developer'

export async function roleKeys (count: number): Promise<RoleKeyPair[]> {
  const keys: RoleKeyPair[] = []
  for (let i = 0; i < count; i++) keys.push(await generateRoleKey())
  return keys
}

/**
 * One identity, prepared once the way each implementation would keep it
 * between reads, so only per-file work is measured.
 */
export interface Reader {
  readonly keyring: RoleKeyring
  readonly typage: Decrypter
  readonly native: KeyObject
}

export async function reader (key: RoleKeyPair): Promise<Reader> {
  const typage = new Decrypter()
  typage.addIdentity(key.identity)
  return {
    keyring: await RoleKeyring.from([[READER_ROLE, key.identity]]),
    typage,
    native: x25519PrivateKey(identityToScalar(key.identity))
  }
}
