import { dhtKey } from '../../src/address/index.ts'
import { encryptForRole } from '../../src/crypto/role-crypto.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import type { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import { createContextRecord } from '../../src/record/context-record.ts'
import { sealRecord } from '../../src/record/seal.ts'
import { showProgress } from '../progress.ts'
import { MESH_ROLE } from './cluster.ts'
import { contextDraft, meshAddress } from './draft.ts'
import type { Member, MeshNetwork } from './network.ts'

export const CIPHERTEXT_BYTES = 1024
/** One record in this many is a real one (its own ciphertext), so a peer can get and decrypt it. */
export const READABLE_EVERY = 500
// WebCrypto signs and verifies on libuv's pool: enough in flight keeps both cores busy.
const CONCURRENCY = 16

export const storeAddress = (index: number): string => meshAddress('store', index)

export interface Loaded {
  readonly records: number
  readonly seconds: number
  readonly recordBytes: number
}

/**
 * Fills a relay through keeper.put, so every record is validated and stored
 * as one arriving from the network would be. Encrypting each one (~2 ms)
 * would make 100,000 take minutes, and a relay cannot read ciphertexts
 * anyway: all but every READABLE_EVERY-th carry one 1 KiB age ciphertext made
 * once, each signed for its own address's DHT key.
 */
export async function bulkLoad (keeper: RecordKeeper, network: MeshNetwork, member: Member, count: number): Promise<Loaded> {
  const ciphertext = await ciphertextOf(network, CIPHERTEXT_BYTES)
  const clock = { [toBase64url(member.signer.publicKey)]: 1 }
  const author = { ...member, role: MESH_ROLE }
  let recordBytes = 0
  let next = 0
  const started = performance.now()
  const worker = async (): Promise<void> => {
    for (let index = next++; index < count; index = next++) {
      if (index % 5000 === 0) showProgress(`mesh storage: loading ${index.toLocaleString('en-US')} / ${count.toLocaleString('en-US')}`)
      const address = storeAddress(index)
      const now = Date.now()
      const { bytes } = index % READABLE_EVERY === 0
        ? await createContextRecord({ policy: network.policy, author, address, draft: contextDraft(index) })
        : await sealRecord({ key: await dhtKey(address), clock, ...member, role: MESH_ROLE, contentType: 'context', created: now, updated: now, ciphertext: unique(ciphertext) })
      if (index === 1) recordBytes = bytes.length
      await keeper.put(await dhtKey(address), bytes)
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return { records: count, seconds: (performance.now() - started) / 1000, recordBytes }
}

/**
 * The shared ciphertext with everything after age's version line made random:
 * real ciphertexts are all different and incompressible, while 100,000 copies
 * of one let LevelDB's Snappy store them in under half the space. The relay
 * never parses a ciphertext, only hashes it, so it cannot tell.
 */
function unique (ciphertext: Uint8Array): Uint8Array {
  const copy = ciphertext.slice()
  crypto.getRandomValues(copy.subarray(copy.indexOf(0x0a) + 1))
  return copy
}

/** An age ciphertext of exactly `bytes` to the role's readers: the header's size is learnt from a 1-byte one. */
async function ciphertextOf (network: MeshNetwork, bytes: number): Promise<Uint8Array> {
  const overhead = (await encryptForRole(network.policy, MESH_ROLE, new Uint8Array(1))).length - 1
  const ciphertext = await encryptForRole(network.policy, MESH_ROLE, crypto.getRandomValues(new Uint8Array(bytes - overhead)))
  if (ciphertext.length !== bytes) throw new Error(`age ciphertext is ${ciphertext.length} bytes, not ${bytes}`)
  return ciphertext
}
