import { dhtKey } from '../../src/address/index.ts'
import type { VectorClock } from '../../src/clock/vector-clock.ts'
import { createContextRecord } from '../../src/record/context-record.ts'
import type { SealedRecord } from '../../src/record/seal.ts'
import type { TestMember, TestNetwork } from '../helpers/network.ts'

export { observerRecord } from '../helpers/network.ts'

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
