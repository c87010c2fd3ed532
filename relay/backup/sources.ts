import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { NotFoundError, StorageError, UsageError } from '../../src/errors.ts'
import { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import type { HeldVersions } from '../../src/keeper/record-keeper.ts'
import { createLevelStore } from '../../src/store/level.node.ts'
import type { KVStore } from '../../src/store/types.ts'
import type { MembershipCertificate } from '../../src/trust/certificate.ts'
import { seedFromPem } from '../../src/trust/signing-key.ts'
import type { SigningKey } from '../../src/trust/signing-key.ts'
import { readText } from '../key-files.ts'
import { readRelayHoldings } from './read-protocol.ts'

/** Where a backup reads records from: one relay's holdings, as its keeper reads them. */
export interface HoldingsSource {
  readonly peerId: string
  readonly kind: 'store' | 'mesh'
  read (options: { signal?: AbortSignal, onTotal?: (keys: number) => void }): AsyncIterable<HeldVersions>
}

/** A keeper in this process: a running relay's own (scheduled backups) or one over a stopped relay's store. */
export function keeperSource (keeper: RecordKeeper, peerId: string): HoldingsSource {
  return {
    peerId,
    kind: 'store',
    async * read (options) {
      options.onTotal?.(await keeper.count(options))
      yield * keeper.holdings(options)
    }
  }
}

/** A running relay asked through the mesh (see read-protocol.ts). */
export function meshSource (node: Libp2p, relay: PeerId, member: { signer: SigningKey, certificate: MembershipCertificate }): HoldingsSource {
  return {
    peerId: relay.toString(),
    kind: 'mesh',
    read: options => readRelayHoldings(node, relay, member, options)
  }
}

/**
 * A stopped relay's data folder (DATA/records, LevelDB): opened read-only in
 * spirit (nothing is written), refused while the relay runs (LevelDB's lock).
 */
export async function openDataSource (data: string): Promise<{ source: HoldingsSource, close: () => Promise<void> }> {
  const store = await openStoppedRelayStore(data, { create: false })
  // Reads only: nothing is validated, so no policy is needed.
  const keeper = new RecordKeeper({ store, validation: () => { throw new UsageError('a backup source does not take writes') } })
  return { source: keeperSource(keeper, await peerIdOfData(data)), close: async () => { await store.close() } }
}

/** The record store of a relay's data folder, opened; a running relay holds its lock, and is named as the reason. */
export async function openStoppedRelayStore (data: string, options: { create: boolean }): Promise<KVStore> {
  const path = join(data, 'records')
  // LevelDB would make an empty store where none is: a mistyped --data must not back up nothing.
  if (!options.create && !await stat(join(path, 'CURRENT')).then(() => true, () => false)) throw new NotFoundError(`no relay records at ${path} (is it a relay's data folder?)`)
  const store = createLevelStore({ path })
  try {
    await store.open()
  } catch (error) {
    if (error instanceof StorageError && error.message.includes('locked')) {
      throw new StorageError(`${data} is in use by a running relay: stop it first (or back it up through the mesh: --bootstrap, --relay)`, { cause: error })
    }
    throw error
  }
  return store
}

/** The relay's peer id from DATA/node.key, or "unknown" when the folder has none. */
async function peerIdOfData (data: string): Promise<string> {
  try {
    const seed = seedFromPem(await readText(join(data, 'node.key'), 'node key'))
    return peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', seed)).toString()
  } catch (error) {
    if (error instanceof NotFoundError) return 'unknown'
    throw error
  }
}
