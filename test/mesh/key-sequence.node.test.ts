import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dhtKey } from '../../src/address/index.ts'
import { RoleKeyring } from '../../src/crypto/keyring.ts'
import { memberIdentity } from '../../src/crypto/member-recipient.ts'
import { decryptWithKeyring } from '../../src/crypto/role-crypto.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { AccessDeniedError } from '../../src/errors.ts'
import { unlockPolicyKeys } from '../../src/keys/unlock.ts'
import { decodeEnvelope } from '../../src/record/envelope.ts'
import { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import { readersOf } from '../../src/roles/role.ts'
import { issueCertificate } from '../../src/trust/certificate.ts'
import type { Policy } from '../../src/trust/policy.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import { TestKeyAdmin } from '../helpers/key-admin.ts'
import { eventually, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'

/**
 * Writes, rotations and revocations in random order on a real in-process
 * mesh. After every step each current member reads everything its roles are
 * entitled to, and no key of a revoked member (its whole live keyring) nor a
 * rotated-out role key (with every reader key it could unseal from every
 * policy) opens anything written after that event.
 */
const MEMBERS = [
  { roles: ['backend_developer'], reads: ['backend_developer'] },
  { roles: ['frontend_developer'], reads: ['frontend_developer'] },
  { roles: ['devops_engineer'], reads: ['devops_engineer'] },
  { roles: ['backend_developer', 'devops_engineer'], reads: ['backend_developer', 'devops_engineer'] }
] as const
const WRITER_ROLES = ['backend_developer', 'frontend_developer', 'devops_engineer'] as const

type Step =
  | { kind: 'write', member: number }
  | { kind: 'rotate', role: typeof WRITER_ROLES[number] }
  | { kind: 'revoke', member: number }

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('write' as const), member: fc.nat({ max: MEMBERS.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rotate' as const), role: fc.constantFrom(...WRITER_ROLES) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('revoke' as const), member: fc.nat({ max: MEMBERS.length - 1 }) }) }
)

interface Written { address: string, key: string, role: string, summary: string, step: number }
interface Stale { keyring: RoleKeyring, from: number, what: string }

async function run (steps: readonly Step[]): Promise<void> {
  const network = await createTestNetwork()
  const admin = new TestKeyAdmin(network)
  const relays: RelayNode[] = await startRelays(network, 3)
  const members: Array<{ peer: SlurpPeer, keyring: RoleKeyring, id: string, revoked: boolean }> = []
  const policies: Policy[] = [network.policy]
  try {
    for (const spec of MEMBERS) {
      const { key: signer, seed } = await generateSigningKey()
      const certificate = await issueCertificate(network.root, { member: signer.publicKey, roles: [...spec.roles], notBefore: Date.now() - 60_000, notAfter: Date.now() + 86_400_000 })
      admin.register(toBase64url(signer.publicKey), spec.reads)
      const keyring = await RoleKeyring.from(spec.reads.map(role => [role, admin.current(role)] as const))
      const peer = new SlurpPeer({
        network: { rootPublicKey: network.root.publicKey, policy: network.policy, signedPolicy: network.signed },
        member: { signer, certificate, deliveryIdentity: memberIdentity(seed) },
        keyring,
        bootstrap: relays.map(relay => relay.multiaddrs()[0] as string)
      })
      await peer.start()
      members.push({ peer, keyring, id: toBase64url(signer.publicKey), revoked: false })
    }
    const written: Written[] = []
    const stale: Stale[] = []
    const publish = async (): Promise<void> => {
      await relays[0]?.policyBook.offer(admin.signed)
      policies.push(admin.policy)
      await eventually(() => { for (const { peer } of members) expect(peer.policy.version).toBe(admin.policy.version) })
    }

    for (const [index, current] of steps.entries()) {
      if (current.kind === 'write') {
        const who = members[current.member] as typeof members[number]
        if (who.revoked) continue
        const role = MEMBERS[current.member]?.roles[0] as string
        const address = `ucxl://m${current.member}:${role}@seq:t/${index}`
        const summary = `step ${index}`
        await who.peer.put(address, { summary }, { as: role })
        written.push({ address, key: await dhtKey(address), role, summary, step: index })
      } else if (current.kind === 'rotate') {
        const old = await RoleKeyring.from(admin.all(current.role).map(identity => [current.role, identity] as const))
        await admin.rotate([current.role])
        await publish()
        for (const policy of policies) await unlockPolicyKeys(policy, old)
        stale.push({ keyring: old, from: index, what: `${current.role}'s key before step ${index}` })
      } else {
        const who = members[current.member] as typeof members[number]
        if (who.revoked) continue
        const spec = MEMBERS[current.member] as typeof MEMBERS[number]
        await admin.rotate([...new Set([...spec.roles, ...spec.reads])], { member: who.id })
        who.revoked = true
        await publish()
        stale.push({ keyring: who.keyring, from: index, what: `member ${current.member}'s keys, revoked at step ${index}` })
      }

      // Every current member reads what its roles may read.
      for (const [m, who] of members.entries()) {
        if (who.revoked) continue
        const reads = MEMBERS[m]?.reads as readonly string[]
        for (const record of written) {
          if (!readersOf(admin.policy.roles, record.role).some(role => reads.includes(role))) continue
          expect((await who.peer.get(record.address)).item.summary, `member ${m} reading ${record.address}`).toBe(record.summary)
        }
      }
      // No stale key opens what was written after it went stale.
      for (const old of stale) {
        for (const record of written.filter(entry => entry.step > old.from)) {
          const [bytes] = await (relays[0] as RelayNode).keeper.get(record.key)
          const ciphertext = decodeEnvelope(bytes as Uint8Array).ciphertext
          await expect(decryptWithKeyring(old.keyring, ciphertext), `${old.what} on ${record.address}`).rejects.toThrow(AccessDeniedError)
        }
      }
    }
  } finally {
    for (const { peer } of members) await peer.stop()
    for (const relay of relays) await relay.stop()
  }
}

describe('writes, rotations and revocations in random order', () => {
  it('keep every reader reading and every stale key out', { timeout: 240_000 }, async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 9 }), run), { numRuns: 4, seed: 1103, endOnFailure: true })
  })
})
