import { dhtKey } from '../../src/address/index.ts'
import { createContextRecord } from '../../src/record/context-record.ts'
import { sealRecord } from '../../src/record/seal.ts'
import { increment } from '../../src/clock/vector-clock.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import type { TestMember, TestNetwork } from '../../test/helpers/network.ts'

export interface BenchRecord {
  address: string
  key: string
  bytes: Uint8Array
}

/**
 * Validly signed records for distinct addresses, fast: one real ~1 KiB age
 * ciphertext, re-sealed under each address's key (relays cannot read
 * ciphertexts, so what they move and validate is the same as real traffic).
 */
export async function makeRecords (network: TestNetwork, member: TestMember, prefix: string, count: number): Promise<BenchRecord[]> {
  const template = await createContextRecord({
    policy: network.policy,
    author: member.author('backend_developer'),
    address: `${prefix}/template`,
    draft: { summary: 'x'.repeat(900) }
  })
  const author = toBase64url(member.signer.publicKey)
  const records: BenchRecord[] = []
  for (let i = 0; i < count; i++) {
    const address = `${prefix}/r${i}`
    const key = await dhtKey(address)
    const sealed = await sealRecord({
      key,
      clock: increment({}, author),
      signer: member.signer,
      certificate: member.certificate,
      role: 'backend_developer',
      contentType: 'context',
      created: Date.now(),
      updated: Date.now(),
      ciphertext: template.envelope.ciphertext
    })
    records.push({ address, key, bytes: sealed.bytes })
  }
  return records
}
