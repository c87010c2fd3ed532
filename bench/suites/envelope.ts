import { sha256 } from '@noble/hashes/sha2.js'
import { createContextRecord } from '../../src/record/context-record.ts'
import { decodeEnvelope, encodeEnvelope } from '../../src/record/envelope.ts'
import type { RecordEnvelope } from '../../src/record/envelope.ts'
import { SectionBuilder } from '../builder.ts'
import { ENVELOPE_SIZES } from '../cases.ts'
import { decodeJsonEnvelope, encodeJsonEnvelope } from '../json-envelope.ts'
import { createBenchNetwork } from '../network.ts'
import type { BenchOptions } from '../options.ts'
import { payload, sizeLabel } from '../payload.ts'
import type { Section } from '../section.ts'

export async function envelopeSuite (options: BenchOptions): Promise<Section> {
  const builder = new SectionBuilder('record envelope codec', [{ label: '×JSON', id: 'json' }], options)
  const network = await createBenchNetwork('backend_developer')
  const { envelope: template } = await createContextRecord({
    policy: network.policy,
    author: network.author,
    address: 'ucxl://project123/src/main.go',
    draft: { summary: 'envelope template' }
  })
  const sizes: string[] = []
  for (const size of ENVELOPE_SIZES) {
    // A real header around a ciphertext of the wanted size; the signature is not checked here.
    const ciphertext = payload(size)
    const envelope: RecordEnvelope = { ...template, ciphertext, ciphertextHash: sha256(ciphertext) }
    const binary = encodeEnvelope(envelope)
    const json = encodeJsonEnvelope(envelope)
    if (Buffer.compare(decodeEnvelope(binary).ciphertext, ciphertext) !== 0 || Buffer.compare(decodeJsonEnvelope(json).ciphertext, ciphertext) !== 0) {
      throw new Error('an envelope codec does not round-trip')
    }
    sizes.push(`${sizeLabel(size)}: ${binary.length} B binary, ${json.length} B JSON`)
    const label = sizeLabel(size)
    await builder.compare(`encode ${label}`, [
      { id: 'slurp', name: 'slurp encodeEnvelope', op: () => encodeEnvelope(envelope) },
      { id: 'json', name: 'JSON.stringify + base64', op: () => encodeJsonEnvelope(envelope) }
    ])
    await builder.compare(`decode ${label}`, [
      { id: 'slurp', name: 'slurp decodeEnvelope', op: () => decodeEnvelope(binary) },
      { id: 'json', name: 'JSON.parse + base64', op: () => decodeJsonEnvelope(json) }
    ])
  }
  builder.note(`Sizes on the wire: ${sizes.join('; ')}.`)
  builder.note('JSON: the same fields, bytes as base64 (Buffer, native), UTF-8 in and out; it validates nothing, while decodeEnvelope checks every field and the certificate\'s canonical form.')
  return builder.build()
}
