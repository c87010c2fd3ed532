import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { generateRoleKey } from '../../src/crypto/generate.ts'
import { RoleKeyring } from '../../src/crypto/keyring.ts'
import { memberIdentity, memberRecipient } from '../../src/crypto/member-recipient.ts'
import { decrypt, encryptToRecipients } from '../../src/crypto/role-crypto.ts'
import { fromBase64url, toBase64url } from '../../src/encoding/base64url.ts'
import {
  AccessDeniedError, EscrowError, EscrowVerificationError, InvalidKeyError, MismatchedSharesError, NotEnoughSharesError, UnknownRoleError, UsageError
} from '../../src/errors.ts'
import { combineShares } from '../../src/escrow/combine.ts'
import { parseCustodian, parseCustodians } from '../../src/escrow/custodian.ts'
import type { Custodian } from '../../src/escrow/custodian.ts'
import { recoverKey } from '../../src/escrow/recover.ts'
import type { EscrowTrust } from '../../src/escrow/recover.ts'
import { openShare, sealShare } from '../../src/escrow/seal.ts'
import { formatShare, parseShare } from '../../src/escrow/share.ts'
import type { EscrowShare } from '../../src/escrow/share.ts'
import { splitRoleKey, splitRootKey } from '../../src/escrow/split.ts'
import { DEFAULT_ROLES } from '../../src/roles/defaults.ts'
import { signPolicy } from '../../src/trust/policy.ts'
import type { Policy, PolicyRole } from '../../src/trust/policy.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'

const RUNS = 40
const ROLE = 'backend_developer'

// One network for every run: a root seed, a signed policy and the role's identity.
const { key: root, seed: rootSeed } = await generateSigningKey()
const identities: Record<string, string> = {}
const roles: PolicyRole[] = []
for (const role of DEFAULT_ROLES) {
  const pair = await generateRoleKey()
  identities[role.name] = pair.identity
  roles.push({ ...role, recipient: pair.recipient })
}
const { policy } = await signPolicy(root, { roles })
const trust: EscrowTrust = { rootPublicKey: root.publicKey, policy }
const roleIdentity = identities[ROLE] as string

// Custodians: member keys (whose seeds open their shares) and plain age recipients.
const memberSeeds = await Promise.all(Array.from({ length: 4 }, async () => await generateSigningKey()))
const agePairs = await Promise.all(Array.from({ length: 4 }, async () => await generateRoleKey()))
const custodians: Custodian[] = [
  ...memberSeeds.map(({ key }) => parseCustodian(toBase64url(key.publicKey))),
  ...agePairs.map(pair => parseCustodian(pair.recipient))
]

async function splitFor (subject: 'root' | 'role', threshold: number, shares: number): Promise<EscrowShare[]> {
  const options = { threshold, custodians: custodians.slice(0, shares) }
  return subject === 'root' ? await splitRootKey(rootSeed, options) : await splitRoleKey(roleIdentity, ROLE, root.publicKey, options)
}

/** N from 2 to 8, T from 2 to N, and a subject. */
const splitShape = fc.integer({ min: 2, max: 8 }).chain(n => fc.record({
  n: fc.constant(n),
  t: fc.integer({ min: 2, max: n }),
  subject: fc.constantFrom('root' as const, 'role' as const)
}))

/** The rebuild went wrong somewhere (corrupt, mixed): refused by a named escrow error, never returned. */
function isRefusal (error: unknown): boolean {
  return error instanceof EscrowVerificationError || error instanceof MismatchedSharesError
}

async function expectRecovered (shares: EscrowShare[], subject: 'root' | 'role'): Promise<void> {
  const recovered = await recoverKey(shares, trust)
  if (subject === 'root') {
    expect(recovered.subject).toBe('root')
    if (recovered.subject === 'root') {
      expect(recovered.seed).toEqual(rootSeed)
      expect(recovered.publicKey).toBe(toBase64url(root.publicKey))
    }
  } else {
    expect(recovered).toMatchObject({ subject: `role:${ROLE}`, role: ROLE, identity: roleIdentity, recipient: policy.roles[ROLE]?.recipient })
  }
}

describe('escrow: split and combine (properties)', () => {
  it('any T of N shares, in any order, rebuild the key and verify; so do more than T', async () => {
    const chosen = splitShape.chain(shape => fc.record({
      shape: fc.constant(shape),
      picks: fc.shuffledSubarray(Array.from({ length: shape.n }, (_, i) => i), { minLength: shape.t })
    }))
    await fc.assert(fc.asyncProperty(chosen, async ({ shape: { n, t, subject }, picks }) => {
      const shares = await splitFor(subject, t, n)
      expect(shares.map(share => share.index)).toEqual(Array.from({ length: n }, (_, i) => i + 1))
      // Through their JSON, as custodians hand them back.
      await expectRecovered(picks.map(i => parseShare(formatShare(shares[i] as EscrowShare))), subject)
    }), { numRuns: RUNS })
  })

  it('T−1 shares are refused with NotEnoughSharesError', async () => {
    await fc.assert(fc.asyncProperty(splitShape, async ({ n, t, subject }) => {
      const shares = await splitFor(subject, t, n)
      await expect(recoverKey(shares.slice(n - t + 1), trust)).rejects.toThrow(NotEnoughSharesError)
      await expect(recoverKey(shares.slice(0, t - 1), trust)).rejects.toThrow(/needs \d+ of its \d+/)
    }), { numRuns: RUNS })
  })

  it('T−1 shares smuggled in with a fake threshold of T−1 are refused by verification', async () => {
    const shape = fc.integer({ min: 3, max: 8 }).chain(n => fc.record({ n: fc.constant(n), t: fc.integer({ min: 3, max: n }), subject: fc.constantFrom('root' as const, 'role' as const) }))
    await fc.assert(fc.asyncProperty(shape, async ({ n, t, subject }) => {
      const forged = (await splitFor(subject, t, n)).slice(0, t - 1).map(share => parseShare(formatShare({ ...share, threshold: t - 1 })))
      await expect(recoverKey(forged, trust)).rejects.toThrow(EscrowVerificationError)
    }), { numRuns: RUNS })
  })

  it('one corrupted share (any byte, any change) is refused, and nothing is returned', async () => {
    await fc.assert(fc.asyncProperty(splitShape, fc.nat(), fc.nat({ max: 48 }), fc.integer({ min: 1, max: 255 }), async ({ n, t, subject }, which, position, delta) => {
      const shares = (await splitFor(subject, t, n)).slice(0, t)
      const victim = which % t
      const bytes = fromBase64url((shares[victim] as EscrowShare).share)
      bytes[position] = (bytes[position] as number) ^ delta
      if (bytes[48] === 0) bytes[48] = 1 + ((delta + 1) % 255)
      const corrupted = shares.map((share, i) => i === victim ? parseShare(formatShare({ ...share, share: toBase64url(bytes) })) : share)
      const outcome = await recoverKey(corrupted, trust).then(() => 'recovered', (error: unknown) => error)
      // Only when the x coordinate was changed to itself can it still rebuild; it cannot, since delta ≠ 0.
      expect(isRefusal(outcome)).toBe(true)
    }), { numRuns: RUNS * 2 })
  })

  it('shares of two splits of the same key, mixed, are refused', async () => {
    await fc.assert(fc.asyncProperty(splitShape, fc.nat(), async ({ n, t, subject }, cut) => {
      const a = await splitFor(subject, t, n)
      const b = await splitFor(subject, t, n)
      const fromA = 1 + (cut % (t - 1))
      // Distinct indexes, same claims: only the result can tell.
      const mixed = [...a.slice(0, fromA), ...b.slice(fromA, t)]
      const outcome = await recoverKey(mixed, trust).then(() => 'recovered', (error: unknown) => error)
      expect(isRefusal(outcome)).toBe(true)
    }), { numRuns: RUNS })
  })

  it('shares of another subject, key, threshold or network are refused before combining', async () => {
    const roleShares = await splitFor('role', 2, 3)
    const rootShares = await splitFor('root', 2, 3)
    await expect(combineShares([roleShares[0] as EscrowShare, rootShares[1] as EscrowShare])).rejects.toThrow(MismatchedSharesError)
    await expect(combineShares([roleShares[0] as EscrowShare, { ...(roleShares[1] as EscrowShare), threshold: 3 }])).rejects.toThrow(/threshold differs/)
    await expect(combineShares([roleShares[0] as EscrowShare, roleShares[0] as EscrowShare])).rejects.toThrow(/given twice/)
    const { key: otherRoot } = await generateSigningKey()
    const foreign = roleShares.map(share => ({ ...share, network: toBase64url(otherRoot.publicKey) }))
    await expect(recoverKey(foreign, trust)).rejects.toThrow(MismatchedSharesError)
    await expect(recoverKey([], trust)).rejects.toThrow(NotEnoughSharesError)
  })

  it('verifies against the policy, not the shares\' own claim: a rotated role is refused, an unknown role too', async () => {
    const shares = await splitFor('role', 2, 3)
    const rotated = await generateRoleKey()
    const newer = (await signPolicy(root, { roles: roles.map(role => role.name === ROLE ? { ...role, recipient: rotated.recipient } : role), version: 2 })).policy
    await expect(recoverKey(shares, { rootPublicKey: root.publicKey, policy: newer })).rejects.toThrow(/older key of role "backend_developer"/)
    // Shares that claim the new key are still checked against what they rebuild.
    const claiming = shares.map(share => ({ ...share, publicKey: rotated.recipient }))
    await expect(recoverKey(claiming, { rootPublicKey: root.publicKey, policy: newer })).rejects.toThrow(EscrowVerificationError)
    const without: Policy = { ...policy, roles: Object.fromEntries(Object.entries(policy.roles).filter(([name]) => name !== ROLE)) }
    await expect(recoverKey(shares, { rootPublicKey: root.publicKey, policy: without })).rejects.toThrow(UnknownRoleError)
    const { key: otherRoot } = await generateSigningKey()
    await expect(recoverKey(shares, { rootPublicKey: otherRoot.publicKey, policy })).rejects.toThrow(EscrowError)
  })

  it('the rebuilt role identity opens what was encrypted to the role', async () => {
    const shares = await splitFor('role', 3, 5)
    const recovered = await recoverKey([shares[4], shares[0], shares[2]] as EscrowShare[], trust)
    if (recovered.subject === 'root') throw new Error('expected a role')
    const ciphertext = await encryptToRecipients([policy.roles[ROLE]?.recipient as string], new TextEncoder().encode('still readable'))
    expect(new TextDecoder().decode(await decrypt(await RoleKeyring.from([[ROLE, recovered.identity]]), ciphertext))).toBe('still readable')
  })
})

describe('escrow: custodians and sealed shares', () => {
  it('each share opens with its custodian\'s key only', async () => {
    const shares = await splitFor('role', 2, 8)
    for (const [i, share] of shares.entries()) {
      const sealed = new TextEncoder().encode(await sealShare(share, custodians[i] as Custodian))
      const own = i < 4 ? memberIdentity((memberSeeds[i] as { seed: Uint8Array }).seed) : (agePairs[i - 4] as { identity: string }).identity
      expect(await openShare(sealed, [own])).toEqual(share)
      const other = i < 4 ? (agePairs[0] as { identity: string }).identity : memberIdentity((memberSeeds[0] as { seed: Uint8Array }).seed)
      await expect(openShare(sealed, [other])).rejects.toThrow(AccessDeniedError)
    }
  })

  it('a member key custodian is the member\'s age recipient', () => {
    const member = memberSeeds[0]?.key.publicKey as Uint8Array
    expect(parseCustodian(toBase64url(member))).toEqual({ id: toBase64url(member), kind: 'member', recipient: memberRecipient(member) })
  })

  it('refuses bad thresholds, too few or too many custodians, duplicates and non-keys', async () => {
    const two = custodians.slice(0, 2)
    for (const [threshold, list] of [[1, two], [3, two], [0, two], [2.5, custodians], [2, custodians.slice(0, 1)], [2, Array.from({ length: 256 }, () => custodians[0] as Custodian)]] as const) {
      await expect(splitRootKey(rootSeed, { threshold, custodians: list })).rejects.toThrow(UsageError)
    }
    expect(() => parseCustodians(`${custodians[0]?.id ?? ''},${custodians[0]?.id ?? ''}`)).toThrow(/listed twice/)
    expect(() => parseCustodians('bob')).toThrow(InvalidKeyError)
    expect(() => parseCustodian(toBase64url(new Uint8Array(31)))).toThrow(InvalidKeyError)
  })
})
