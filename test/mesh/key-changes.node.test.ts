import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRelayApp } from '../../relay/http/app.ts'
import { RoleKeyring } from '../../src/crypto/keyring.ts'
import { memberIdentity } from '../../src/crypto/member-recipient.ts'
import { decryptWithKeyring } from '../../src/crypto/role-crypto.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { AccessDeniedError, MemberRevokedError } from '../../src/errors.ts'
import { unlockPolicyKeys } from '../../src/keys/unlock.ts'
import { createContextRecord } from '../../src/record/context-record.ts'
import type { Author } from '../../src/record/context-record.ts'
import { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import type { KVStore } from '../../src/store/types.ts'
import { issueCertificate } from '../../src/trust/certificate.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import { TestKeyAdmin } from '../helpers/key-admin.ts'
import { eventually, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'
import type { TestNetwork } from '../helpers/network.ts'

/**
 * Rotation and revocation on real relays on loopback: a newer policy spreads
 * from one relay to every node by itself, members get their new role keys in
 * key bundles, a revoked member's writes are refused on every path (record
 * protocol, gateway), and a relay that was down when it happened learns it
 * when it comes back.
 */
describe('key changes on a live mesh', { timeout: 120_000 }, () => {
  let network: TestNetwork
  let admin: TestKeyAdmin
  let relays: RelayNode[]
  const stores: KVStore[] = [createMemoryStore(), createMemoryStore(), createMemoryStore()]
  const peers: SlurpPeer[] = []

  interface Member { peer: SlurpPeer, id: string, author: (role: string) => Author }

  async function member (roles: string[], reads: string[]): Promise<Member> {
    const { key: signer, seed } = await generateSigningKey()
    const certificate = await issueCertificate(network.root, { member: signer.publicKey, roles, notBefore: Date.now() - 60_000, notAfter: Date.now() + 86_400_000 })
    admin.register(toBase64url(signer.publicKey), reads)
    const peer = new SlurpPeer({
      // Joins as an invite made now would make it: the current policy and role keys.
      network: { rootPublicKey: network.root.publicKey, policy: admin.policy, signedPolicy: admin.signed },
      member: { signer, certificate, deliveryIdentity: memberIdentity(seed) },
      keyring: await RoleKeyring.from(reads.map(role => [role, admin.current(role)] as const)),
      bootstrap: relays.map(relay => relay.multiaddrs()[0] as string),
      replicationFactor: 3
    })
    await peer.start()
    peers.push(peer)
    return { peer, id: toBase64url(signer.publicKey), author: role => ({ signer, certificate, role }) }
  }

  beforeAll(async () => {
    network = await createTestNetwork()
    admin = new TestKeyAdmin(network)
    relays = await startRelays(network, 3, i => stores[i] as KVStore)
  })
  afterAll(async () => {
    for (const peer of peers) await peer.stop()
    for (const relay of relays) await relay.stop()
  })

  it('a rotation spreads from one relay to all nodes; readers get new keys in their bundle; the old key opens nothing new', async () => {
    const { peer: writer, author } = await member(['backend_developer'], ['backend_developer'])
    const { peer: reader } = await member(['frontend_developer'], ['frontend_developer'])
    await writer.put('ucxl://w:backend_developer@p:t/before', { summary: 'before the rotation' }, { as: 'backend_developer' })

    const changes: number[] = []
    reader.addEventListener('keys', event => { changes.push((event as CustomEvent<{ version: number }>).detail.version) })
    const signed = await admin.rotate(['frontend_developer'])
    expect(await relays[0]?.policyBook.offer(signed)).toBe(true)
    await eventually(() => {
      for (const node of [...relays.map(relay => relay.currentPolicy), writer.policy, reader.policy]) expect(node.version).toBe(2)
      expect(changes).toEqual([2])
    })

    await writer.put('ucxl://w:backend_developer@p:t/after', { summary: 'after the rotation' }, { as: 'backend_developer' })
    expect((await reader.get('ucxl://w:backend_developer@p:t/before')).item.summary).toBe('before the rotation')
    expect((await reader.get('ucxl://w:backend_developer@p:t/after')).item.summary).toBe('after the rotation')

    // Someone who kept only the old frontend key, with every reader key it could unseal from both policies.
    const stale = await RoleKeyring.from([['frontend_developer', network.identities.frontend_developer as string]])
    await unlockPolicyKeys(network.policy, stale)
    await unlockPolicyKeys(admin.policy, stale)
    const after = await createContextRecord({ policy: writer.policy, author: author('backend_developer'), address: 'ucxl://w:backend_developer@p:t/x', draft: { summary: 'x' } })
    await expect(decryptWithKeyring(stale, after.envelope.ciphertext)).rejects.toThrow(AccessDeniedError)
  })

  it('a revoked member is refused by every relay, on the gateway too, including a relay that was down when it was revoked', async () => {
    const { peer: mallory, id: malloryId, author: malloryAs } = await member(['backend_developer'], ['backend_developer'])
    const { peer: reader } = await member(['frontend_developer'], ['frontend_developer'])
    await mallory.put('ucxl://m:backend_developer@p:t/early', { summary: 'written before revocation' }, { as: 'backend_developer' })

    const down = relays[2] as RelayNode
    await down.stop()
    const signed = await admin.rotate(['backend_developer'], { member: malloryId })
    expect(await relays[0]?.policyBook.offer(signed)).toBe(true)
    await eventually(() => { expect(relays[1]?.currentPolicy.version).toBe(admin.policy.version) })
    await eventually(() => { expect(mallory.policy.version).toBe(admin.policy.version) })

    await expect(mallory.put('ucxl://m:backend_developer@p:t/late', { summary: 'after revocation' }, { as: 'backend_developer' })).rejects.toThrow(MemberRevokedError)

    // The gateway path: the same record bytes, PUT over HTTP.
    const record = await createContextRecord({ policy: admin.policy, author: malloryAs('backend_developer'), address: 'ucxl://m:backend_developer@p:t/gateway', draft: { summary: 'via gateway' } })
    const app = createRelayApp({ relay: relays[0] as RelayNode, replicationFactor: 3 })
    const response = await app.request(`/v1/records/${encodeURIComponent(record.envelope.key)}`, { method: 'PUT', body: record.bytes as Uint8Array<ArrayBuffer>, headers: { 'content-type': 'application/octet-stream' } })
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(JSON.stringify(await response.json())).toContain('ERR_MEMBER_REVOKED')

    // The relay that was down comes back with its old policy and learns the revocation from the others.
    const back = (await startRelays(network, 1, () => stores[2] as KVStore))[0] as RelayNode
    relays[2] = back
    // libp2p resets a burst of new inbound connections from one host (5 a second by default): dial until one holds.
    await eventually(async () => {
      await back.libp2p.dial((relays[0] as RelayNode).libp2p.getMultiaddrs()[0] as never)
      expect(back.currentPolicy.version).toBe(admin.policy.version)
    })
    await expect(back.keeper.put(record.envelope.key, record.bytes, { origin: 'member' })).rejects.toThrow(MemberRevokedError)

    // What it wrote before stays readable.
    expect((await reader.get('ucxl://m:backend_developer@p:t/early')).item.summary).toBe('written before revocation')
  })
})
