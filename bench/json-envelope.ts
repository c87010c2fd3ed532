import type { RecordEnvelope } from '../src/record/envelope.ts'

/**
 * The obvious alternative to slurp's binary envelope: the same fields as
 * JSON, bytes as base64 (Node's native codec), to and from UTF-8. It checks
 * nothing on the way in, so it flatters JSON.
 */
export function encodeJsonEnvelope (envelope: RecordEnvelope): Uint8Array {
  const { certificate } = envelope
  return Buffer.from(JSON.stringify({
    formatVersion: envelope.formatVersion,
    key: envelope.key,
    clock: envelope.clock,
    author: base64(envelope.author),
    certificate: { ...certificate, network: base64(certificate.network), member: base64(certificate.member), signature: base64(certificate.signature) },
    role: envelope.role,
    contentType: envelope.contentType,
    created: envelope.created,
    updated: envelope.updated,
    ciphertextHash: base64(envelope.ciphertextHash),
    ciphertext: base64(envelope.ciphertext),
    signature: base64(envelope.signature)
  }))
}

export function decodeJsonEnvelope (bytes: Uint8Array): RecordEnvelope {
  const parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
  return {
    ...parsed,
    author: bytesOf(parsed.author),
    certificate: { ...parsed.certificate, network: bytesOf(parsed.certificate.network), member: bytesOf(parsed.certificate.member), signature: bytesOf(parsed.certificate.signature) },
    ciphertextHash: bytesOf(parsed.ciphertextHash),
    ciphertext: bytesOf(parsed.ciphertext),
    signature: bytesOf(parsed.signature)
  }
}

function base64 (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

function bytesOf (text: string): Uint8Array {
  return Buffer.from(text, 'base64')
}
