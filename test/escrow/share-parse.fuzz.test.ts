import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { generateRoleKey } from '../../src/crypto/generate.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { InvalidShareError } from '../../src/errors.ts'
import { parseCustodian } from '../../src/escrow/custodian.ts'
import { checkShare, formatShare, parseShare } from '../../src/escrow/share.ts'
import type { EscrowShare } from '../../src/escrow/share.ts'
import { splitRoleKey, splitRootKey } from '../../src/escrow/split.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'

const RUNS = Number((globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.SLURP_FUZZ_RUNS ?? 2000)

const { key: root, seed } = await generateSigningKey()
const role = await generateRoleKey()
const custodians = [parseCustodian(toBase64url(root.publicKey)), parseCustodian((await generateRoleKey()).recipient), parseCustodian(role.recipient)]
const valid: EscrowShare[] = [
  ...await splitRootKey(seed, { threshold: 2, custodians }),
  ...await splitRoleKey(role.identity, 'qa_engineer', root.publicKey, { threshold: 3, custodians })
]
const fields = Object.keys(valid[0] as EscrowShare)

/** Parses, or refuses with InvalidShareError; anything else (a TypeError, a RangeError) fails the test. */
function parsesOrRefuses (text: string): void {
  try {
    const share = parseShare(text)
    // What parses is a share that formats and parses back to itself.
    expect(parseShare(formatShare(share))).toEqual(share)
  } catch (error) {
    if (!(error instanceof InvalidShareError)) throw error
  }
}

describe('escrow share documents (fuzz)', () => {
  it('the shares split makes parse back to themselves', () => {
    for (const share of valid) expect(parseShare(formatShare(share))).toEqual(share)
  })

  it('random text never throws anything but InvalidShareError', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json()), parsesOrRefuses), { numRuns: RUNS })
  })

  it('random JSON values, as documents or as parsed values, never throw anything but InvalidShareError', () => {
    fc.assert(fc.property(fc.jsonValue(), value => { parsesOrRefuses(JSON.stringify(value) ?? 'null') }), { numRuns: RUNS })
    fc.assert(fc.property(fc.anything(), value => {
      try {
        checkShare(value)
      } catch (error) {
        if (!(error instanceof InvalidShareError)) throw error
      }
    }), { numRuns: RUNS })
  })

  it('a valid share with a field replaced, removed or added is refused with InvalidShareError, or is still a valid share', () => {
    const mutation = fc.record({
      base: fc.constantFrom(...valid),
      field: fc.oneof(fc.constantFrom(...fields), fc.string()),
      value: fc.oneof(fc.jsonValue(), fc.constantFrom(0, 1, 2, 255, 256, -1, 1.5, '', 'root', 'role:x', 'role:', 'age1', valid[0]?.network ?? '', valid[3]?.publicKey ?? '')),
      remove: fc.boolean()
    })
    fc.assert(fc.property(mutation, ({ base, field, value, remove }) => {
      const changed: Record<string, unknown> = { ...base }
      if (remove) Reflect.deleteProperty(changed, field)
      else changed[field] = value
      parsesOrRefuses(JSON.stringify(changed))
    }), { numRuns: RUNS })
  })

  it('flipped characters in a share document are refused or still parse to a checked share', () => {
    const text = formatShare(valid[4] as EscrowShare)
    fc.assert(fc.property(fc.nat({ max: text.length - 1 }), fc.string({ minLength: 0, maxLength: 3 }), (at, insert) => {
      parsesOrRefuses(text.slice(0, at) + insert + text.slice(at + 1))
    }), { numRuns: RUNS })
  })

  it('names what is wrong', () => {
    const share = valid[0] as EscrowShare
    expect(() => parseShare('{')).toThrow(/does not parse/)
    expect(() => parseShare('[]')).toThrow(/JSON object/)
    expect(() => parseShare(JSON.stringify({ ...share, extra: 1 }))).toThrow(/unexpected field "extra"/)
    expect(() => parseShare(JSON.stringify({ ...share, threshold: 1 }))).toThrow(/"threshold"/)
    expect(() => parseShare(JSON.stringify({ ...share, index: 0 }))).toThrow(/"index"/)
    expect(() => parseShare(JSON.stringify({ ...share, shares: 1 }))).toThrow(/"shares"/)
    expect(() => parseShare(JSON.stringify({ ...share, share: share.share.slice(2) }))).toThrow(/"share"/)
    expect(() => parseShare(JSON.stringify({ ...share, publicKey: role.recipient }))).toThrow(/network key/)
    expect(() => parseShare(JSON.stringify({ ...share, subject: 'role:Bad Name' }))).toThrow(/"subject"/)
    expect(() => parseShare(JSON.stringify({ ...share, custodian: 'someone' }))).toThrow(/"custodian"/)
    expect(() => parseShare(JSON.stringify({ ...share, format: 'slurp-escrow-share/2' }))).toThrow(/not a slurp-escrow-share\/1/)
    expect(() => parseShare(' '.repeat(10_000))).toThrow(/at most/)
  })
})
