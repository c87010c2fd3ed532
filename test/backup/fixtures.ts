import { join } from 'node:path'
import { expect } from 'vitest'
import type { VectorClock } from '../../src/clock/vector-clock.ts'
import { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import type { HeldVersions } from '../../src/keeper/record-keeper.ts'
import { createContextRecord } from '../../src/record/context-record.ts'
import { createLevelStore } from '../../src/store/level.node.ts'
import { issueCertificate } from '../../src/trust/certificate.ts'
import type { MembershipCertificate } from '../../src/trust/certificate.ts'
import type { Policy } from '../../src/trust/policy.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import type { SigningKey } from '../../src/trust/signing-key.ts'
import { NetworkDir } from '../../relay/network-dir.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { slurpInProcess as slurp } from '../helpers/in-process-cli.ts'
export { slurp }

export type { InProcessRun as Run } from '../helpers/in-process-cli.ts'

/** A network made by `slurp init`, and members it certifies to write records. */
export interface Network {
  dir: NetworkDir
  root: SigningKey
  policy: Policy
  writer (roles?: string[]): Promise<Writer>
}

export interface Written {
  key: string
  bytes: Uint8Array
  clock: VectorClock
}

export interface Writer {
  signer: SigningKey
  certificate: MembershipCertificate
  /** A context record at `address`, superseding `previous` when given. */
  write (address: string, summary: string, previous?: Written): Promise<Written>
}

export async function initNetwork (path: string): Promise<Network> {
  const init = await slurp(['init', '--dir', path])
  expect(init.stderr).toBe('')
  const dir = new NetworkDir(path)
  const root = await dir.readRootKey()
  const policy = await dir.readPolicy()
  return {
    dir,
    root,
    policy,
    writer: async (roles = ['backend_developer']) => {
      const { key: signer } = await generateSigningKey()
      const certificate = await issueCertificate(root, { member: signer.publicKey, roles, notBefore: Date.now() - 60_000, notAfter: Date.now() + 86_400_000 })
      return {
        signer,
        certificate,
        write: async (address, summary, previous) => {
          const sealed = await createContextRecord({
            policy,
            author: { signer, certificate, role: roles[0] as string },
            address,
            draft: { summary },
            ...(previous === undefined ? {} : { previous: { clock: previous.clock } })
          })
          return { key: sealed.envelope.key, bytes: sealed.bytes, clock: sealed.envelope.clock }
        }
      }
    }
  }
}

/** A stopped relay's data folder holding `records` (put through a real keeper, in order). */
export async function seedRelayData (data: string, network: Network, records: readonly Written[]): Promise<void> {
  const store = createLevelStore({ path: join(data, 'records') })
  await store.open()
  try {
    const keeper = new RecordKeeper({ store, validation: () => ({ rootPublicKey: network.root.publicKey, policy: network.policy }) })
    for (const record of records) await keeper.put(record.key, record.bytes)
  } finally {
    await store.close()
  }
}

/**
 * What a keeper holds, comparable: per key its held versions and its
 * history, each as a sorted list of base64url records.
 */
export async function holdingsOf (keeper: Pick<RecordKeeper, 'holdings'>): Promise<Map<string, { versions: string[], history: string[] }>> {
  const out = new Map<string, { versions: string[], history: string[] }>()
  for await (const held of keeper.holdings() as AsyncIterable<HeldVersions>) {
    let entry = out.get(held.key)
    if (entry === undefined) out.set(held.key, entry = { versions: [], history: [] })
    ;(held.superseded ? entry.history : entry.versions).push(...held.records.map(toBase64url))
  }
  for (const entry of out.values()) {
    entry.versions.sort()
    entry.history.sort()
  }
  return new Map([...out].sort(([a], [b]) => a < b ? -1 : 1))
}

/** holdingsOf a stopped relay's data folder. */
export async function holdingsOfData (data: string): Promise<Map<string, { versions: string[], history: string[] }>> {
  const store = createLevelStore({ path: join(data, 'records') })
  await store.open()
  try {
    return await holdingsOf(new RecordKeeper({ store, validation: () => { throw new Error('read only') } }))
  } finally {
    await store.close()
  }
}
