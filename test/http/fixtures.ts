import { dhtKey } from '../../src/address/index.ts'
import { increment } from '../../src/clock/vector-clock.ts'
import type { VectorClock } from '../../src/clock/vector-clock.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { createContextRecord } from '../../src/record/context-record.ts'
import { sealRecord } from '../../src/record/seal.ts'
import type { SealedRecord } from '../../src/record/seal.ts'
import type { TestMember, TestNetwork } from '../helpers/network.ts'

/** A signed backend_developer record for `address`; `previous` makes it a newer version. */
export async function writeRecord (network: TestNetwork, member: TestMember, address: string, summary: string, previous?: VectorClock): Promise<SealedRecord & { key: string }> {
  const record = await createContextRecord({
    policy: network.policy,
    author: member.author('backend_developer'),
    address,
    draft: { summary },
    ...(previous === undefined ? {} : { previous: { clock: previous } })
  })
  return { ...record, key: await dhtKey(address) }
}

/** The same record with its last signature byte flipped. */
export function tamper (bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice()
  copy[copy.length - 1] = (copy[copy.length - 1] as number) ^ 0x01
  return copy
}

/** A correctly signed record from a read_only (observer) member, which relays must refuse. */
export async function observerRecord (observer: TestMember, address: string): Promise<SealedRecord & { key: string }> {
  const key = await dhtKey(address)
  const sealed = await sealRecord({
    key,
    clock: increment({}, toBase64url(observer.signer.publicKey)),
    signer: observer.signer,
    certificate: observer.certificate,
    role: 'observer',
    contentType: 'suggestion',
    created: Date.now(),
    updated: Date.now(),
    ciphertext: new Uint8Array(64)
  })
  return { ...sealed, key }
}

/** The hash part of a DHT key: what the gateway path carries. */
export function hashOf (key: string): string {
  return key.slice('/slurp/ucxl/'.length)
}

/** One sample's value from a Prometheus text page, or undefined when the line is absent. */
export function sample (page: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const text = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')
  const prefix = text === '' ? `${name} ` : `${name}{${text}} `
  const line = page.split('\n').find(l => l.startsWith(prefix))
  return line === undefined ? undefined : Number(line.slice(prefix.length))
}
