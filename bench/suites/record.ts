import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { createContextRecord } from '../../src/record/context-record.ts'
import { sealRecord } from '../../src/record/seal.ts'
import { validateRecord } from '../../src/record/validator.ts'
import { readersOf } from '../../src/roles/role.ts'
import { encodeCertificate } from '../../src/trust/certificate.ts'
import { signedPayload } from '../../src/trust/domain.ts'
import { SIGNATURE_BYTES, verifySignature } from '../../src/trust/signing-key.ts'
import { SectionBuilder } from '../builder.ts'
import { SIGN_GROUP, VALIDATE_GROUP, VERIFY_GROUP } from '../cases.ts'
import { createBenchNetwork } from '../network.ts'
import type { BenchOptions } from '../options.ts'
import type { Section } from '../section.ts'

const AUTHOR_ROLE = 'backend_developer'

export async function recordSuite (options: BenchOptions): Promise<Section> {
  const builder = new SectionBuilder('records (Ed25519 through WebCrypto)', [{ label: '×node:crypto', id: 'native' }], options)
  const network = await createBenchNetwork(AUTHOR_ROLE)
  const { bytes, envelope } = await createContextRecord({
    policy: network.policy,
    author: network.author,
    address: 'ucxl://project123/src/main.go',
    draft: {
      summary: 'Entry point: parses flags, opens the store, serves the API',
      technologies: ['go', 'sqlite'],
      tags: ['entrypoint'],
      body: 'Why it is shaped this way. '.repeat(24)
    }
  })
  const context = { rootPublicKey: network.root.publicKey, policy: network.policy }
  await validateRecord(bytes, context)

  const recordPayload = signedPayload('record', bytes.subarray(0, bytes.length - SIGNATURE_BYTES))
  const certificateBytes = encodeCertificate(envelope.certificate)
  const certificatePayload = signedPayload('certificate', certificateBytes.subarray(0, certificateBytes.length - SIGNATURE_BYTES))
  const authorKey = ed25519PublicKey(envelope.author)
  const rootKey = ed25519PublicKey(network.root.publicKey)
  if (!verify(null, recordPayload, authorKey, envelope.signature) || !verify(null, certificatePayload, rootKey, envelope.certificate.signature)) {
    throw new Error('node:crypto does not verify what slurp signed: the reference would measure the wrong thing')
  }

  const sealInput = { ...envelope, signer: network.author.signer }
  const nativeSigner = generateKeyPairSync('ed25519').privateKey
  await builder.compare(SIGN_GROUP, [
    { id: 'slurp', name: 'slurp sealRecord', op: async () => await sealRecord(sealInput) },
    { id: 'native', name: 'node:crypto sign', op: () => sign(null, recordPayload, nativeSigner) }
  ])
  await builder.compare(VALIDATE_GROUP, [
    { id: 'slurp', name: 'slurp validateRecord', op: async () => await validateRecord(bytes, context) },
    {
      id: 'native',
      name: 'node:crypto verify ×2',
      op: () => verify(null, recordPayload, authorKey, envelope.signature) && verify(null, certificatePayload, rootKey, envelope.certificate.signature)
    }
  ])
  await builder.compare(VERIFY_GROUP, [
    { id: 'slurp', name: 'slurp verifySignature', op: async () => await verifySignature(envelope.author, envelope.signature, recordPayload) },
    { id: 'native', name: 'node:crypto verify', op: () => verify(null, recordPayload, authorKey, envelope.signature) }
  ])

  builder.note(`One context record written by ${AUTHOR_ROLE}: ${bytes.length} bytes on the wire, ${envelope.ciphertext.length} of them age ciphertext to the ${readersOf(network.policy.roles, AUTHOR_ROLE).length} roles that read ${AUTHOR_ROLE}.`)
  builder.note('sealRecord = sha256(ciphertext) + encode + Ed25519 sign; its reference signs the same number of bytes with node:crypto.')
  builder.note('validateRecord = decode + checks + 2 signature verifications (record, certificate); its reference is those 2 verifications alone.')
  builder.note('WebCrypto runs on libuv\'s thread pool, so every slurp signature costs a thread hop that node:crypto\'s synchronous calls do not.')
  return builder.build()
}

function ed25519PublicKey (raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' })
}
