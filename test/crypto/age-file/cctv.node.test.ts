import { readFileSync, readdirSync } from 'node:fs'
import { inflateSync } from 'node:zlib'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { describe, expect, it } from 'vitest'
import { AgeMalformedError, AgeNoMatchError, dearmorAge, decryptAgeFile, encodeHeaderWithoutMac, isArmoredAge, parseHeader } from '../../../src/crypto/age-file/index.ts'
import type { AgeFailure, Identity } from '../../../src/crypto/age-file/index.ts'
import { stanzaIdentity } from './keys.ts'
import { ScryptIdentity } from './scrypt-identity.ts'

// C2SP's CCTV age vectors (cctv/README.md). Every vector whose identities we
// implement (X25519, and scrypt through a test-only identity) is decrypted and its
// outcome compared; vectors for the post-quantum hybrid type, which slurp does not
// implement, still check the header codec: it must parse (and re-encode to the same
// bytes) every header that is not a "header failure".
const dir = new URL('./cctv/', import.meta.url)

interface Vector {
  readonly name: string
  readonly expect: string
  readonly payload?: string
  readonly identities: string[]
  readonly passphrases: string[]
  readonly armored: boolean
  readonly file: Uint8Array
}

function load (name: string): Vector {
  const raw = readFileSync(new URL(name, dir))
  const split = raw.indexOf('\n\n')
  const fields = raw.subarray(0, split).toString('utf8').split('\n').map(line => {
    const at = line.indexOf(': ')
    return [line.slice(0, at), line.slice(at + 2)] as const
  })
  const values = (key: string): string[] => fields.filter(([name]) => name === key).map(([, value]) => value)
  const body = raw.subarray(split + 2)
  const payload = values('payload')[0]
  return {
    name,
    expect: values('expect')[0] ?? '',
    ...(payload === undefined ? {} : { payload }),
    identities: values('identity'),
    passphrases: values('passphrase'),
    armored: values('armored')[0] === 'yes',
    file: new Uint8Array(values('compressed')[0] === 'zlib' ? inflateSync(body) : body)
  }
}

const vectors = readdirSync(dir).filter(name => !name.endsWith('.md')).sort().map(load)
const supported = (vector: Vector): boolean => vector.identities.every(identity => identity.startsWith('AGE-SECRET-KEY-1'))

async function identitiesOf (vector: Vector): Promise<Identity[]> {
  const identities: Identity[] = []
  for (const identity of vector.identities) identities.push(await stanzaIdentity(identity))
  for (const passphrase of vector.passphrases) identities.push(new ScryptIdentity(passphrase))
  return identities
}

/** CCTV's expectation → what our API must answer. A header failure may come from the parser or from an identity rejecting its stanza. */
const FAILURES: Record<string, readonly AgeFailure[]> = {
  'header failure': ['header', 'stanza'],
  'HMAC failure': ['mac'],
  'payload failure': ['payload'],
  'armor failure': ['armor']
}

describe('C2SP CCTV age vectors', () => {
  it('are all here', () => {
    expect(vectors.length).toBe(143)
    expect(vectors.filter(supported).length).toBeGreaterThan(110)
  })

  for (const vector of vectors.filter(supported)) {
    it(`${vector.name}: ${vector.expect}`, async () => {
      const identities = await identitiesOf(vector)
      let outcome: unknown
      try {
        outcome = await decryptAgeFile(identities, vector.file)
      } catch (error) {
        outcome = error
      }
      if (vector.expect === 'success') {
        expect(outcome).toBeInstanceOf(Uint8Array)
        expect(bytesToHex(sha256(outcome as Uint8Array))).toBe(vector.payload)
      } else if (vector.expect === 'no match') {
        expect(outcome).toBeInstanceOf(AgeNoMatchError)
      } else {
        expect(outcome).toBeInstanceOf(AgeMalformedError)
        // Armor is detected by its exact BEGIN line (as the age CLI does): armor that
        // starts wrong is not recognised as armor, and fails as a binary header instead.
        const allowed = vector.armored && !isArmoredAge(vector.file) ? ['armor', 'header'] : FAILURES[vector.expect]
        expect(allowed).toContain((outcome as AgeMalformedError).reason)
      }
    })
  }

  for (const vector of vectors.filter(vector => !supported(vector))) {
    it(`${vector.name} (hybrid identity, header codec only): ${vector.expect}`, () => {
      if (vector.expect === 'armor failure') {
        expect(() => dearmorAge(vector.file)).toThrow(AgeMalformedError)
      } else if (vector.expect !== 'header failure') {
        expectHeaderRoundTrip(dearmorAge(vector.file))
      }
    })
  }

  it('every header that parses re-encodes to the same bytes', () => {
    let parsed = 0
    for (const vector of vectors) {
      let file: Uint8Array
      try {
        file = dearmorAge(vector.file)
        parseHeader(file)
      } catch (error) {
        expect(error).toBeInstanceOf(AgeMalformedError)
        continue
      }
      expectHeaderRoundTrip(file)
      parsed++
    }
    expect(parsed).toBeGreaterThan(90)
  })
})

function expectHeaderRoundTrip (file: Uint8Array): void {
  const header = parseHeader(file)
  expect(encodeHeaderWithoutMac(header.stanzas)).toEqual(header.macInput)
  expect(file.subarray(0, header.macInput.length + 1 + 43 + 1)).toEqual(file.subarray(0, header.length))
}
