import { ageAead } from '#age-aead'
import { createCipheriv } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ageAead as nodeAead } from '../../../src/crypto/age-file/aead.node.ts'
import { ageAead as nobleAead } from '../../../src/crypto/age-file/aead.web.ts'
import { randomBytes } from './keys.ts'

describe('#age-aead on Node', () => {
  it('resolves to node:crypto', () => {
    expect(ageAead.name).toBe('node:crypto')
    expect(ageAead).toBe(nodeAead)
  })

  it('seals exactly as createCipheriv does, and as @noble/ciphers', () => {
    for (const size of [0, 1, 15, 16, 17, 1000, 65536]) {
      const key = randomBytes(32)
      const nonce = randomBytes(12)
      const plaintext = randomBytes(size)
      const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
      const expected = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
      const sealed = new Uint8Array(size + 16)
      nodeAead.seal(key, nonce, plaintext, sealed)
      expect(Buffer.from(sealed)).toEqual(expected)
      const noble = new Uint8Array(size + 16)
      nobleAead.seal(key, nonce, plaintext, noble)
      expect(noble).toEqual(sealed)
      const opened = new Uint8Array(size)
      expect(nodeAead.open(key, nonce, noble, opened)).toBe(true)
      expect(opened).toEqual(plaintext)
    }
  })

  it('a bad tag opens nothing and writes nothing', () => {
    const key = randomBytes(32)
    const nonce = randomBytes(12)
    const sealed = new Uint8Array(116)
    nodeAead.seal(key, nonce, randomBytes(100), sealed)
    for (const at of [0, 99, 100, 115]) {
      const tampered = sealed.slice()
      tampered[at] = (tampered[at] as number) ^ 0x40
      for (const aead of [nodeAead, nobleAead]) {
        const output = new Uint8Array(100)
        expect(aead.open(key, nonce, tampered, output)).toBe(false)
        expect(output.every(byte => byte === 0)).toBe(true)
      }
    }
    expect(nodeAead.open(key, nonce, new Uint8Array(10), new Uint8Array(0))).toBe(false)
  })
})
