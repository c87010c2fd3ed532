import { createCipheriv, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { createContextRecord } from '../../src/record/context-record.ts'
import { sealRecord } from '../../src/record/seal.ts'
import { validateRecord } from '../../src/record/validator.ts'
import { readersOf } from '../../src/roles/role.ts'
import { encodeCertificate } from '../../src/trust/certificate.ts'
import { signedPayload } from '../../src/trust/domain.ts'
import { SIGNATURE_BYTES, verifySignature } from '../../src/trust/signing-key.ts'
import { SectionBuilder } from '../builder.ts'
import { SIGN_GROUP, VALIDATE_GROUP, VERIFY_GROUP, WRITE_RECORD_GROUP } from '../cases.ts'
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

  const nativeSigner = generateKeyPairSync('ed25519').privateKey
  const recordPayload = signedPayload('record', bytes.subarray(0, bytes.length - SIGNATURE_BYTES))
  const certificateBytes = encodeCertificate(envelope.certificate)
  const certificatePayload = signedPayload('certificate', certificateBytes.subarray(0, certificateBytes.length - SIGNATURE_BYTES))
  const authorKey = ed25519PublicKey(envelope.author)
  const rootKey = ed25519PublicKey(network.root.publicKey)
  if (!verify(null, recordPayload, authorKey, envelope.signature) || !verify(null, certificatePayload, rootKey, envelope.certificate.signature)) {
    throw new Error('node:crypto does not verify what slurp signed: the reference would measure the wrong thing')
  }

  const draft1k = { summary: 'x'.repeat(1024) }
  const writeAs = (policy: typeof network.policy) => async () => await createContextRecord({ policy, author: network.author, address: 'ucxl://project123/src/main.go', draft: draft1k })
  const readerRoles = readersOf(network.policy.roles, AUTHOR_ROLE)
  const recipient = generateKeyPairSync('x25519').publicKey
  const payloadKey = randomBytes(32)
  const plaintext1k = randomBytes(1024 + 320)
  await builder.compare(WRITE_RECORD_GROUP, [
    { id: 'slurp', name: 'slurp createContextRecord (reader key: 1 stanza)', op: writeAs(network.policy) },
    { id: 'per-role', name: `the same, one stanza per reader role (${readerRoles.length})`, op: writeAs(network.perRolePolicy) },
    {
      id: 'native',
      name: 'node:crypto: 1 X25519 + ChaCha20-Poly1305 + Ed25519 sign',
      op: () => {
        const ephemeral = generateKeyPairSync('x25519')
        diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient })
        const cipher = createCipheriv('chacha20-poly1305', payloadKey, randomBytes(12), { authTagLength: 16 })
        cipher.update(plaintext1k)
        cipher.final()
        return sign(null, recordPayload, nativeSigner)
      }
    }
  ])

  const sealInput = { ...envelope, signer: network.author.signer }
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
  builder.note(`${WRITE_RECORD_GROUP}: a whole record (JSON item, age file, envelope, signature). Reader keys make it one key agreement whatever the number of readers; the per-role row is the format of records written before them.`)
  builder.note('sealRecord = sha256(ciphertext) + encode + Ed25519 sign; its reference signs the same number of bytes with node:crypto.')
  builder.note('validateRecord = decode + checks + 2 signature verifications (record, certificate); its reference is those 2 verifications alone.')
  builder.note('WebCrypto runs on libuv\'s thread pool, so every slurp signature costs a thread hop that node:crypto\'s synchronous calls do not.')
  return builder.build()
}

function ed25519PublicKey (raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' })
}
