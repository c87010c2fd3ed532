import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCoordinatorClient } from '../../src/coordinator/client.ts'
import { createCoordinator } from '../../src/coordinator/coordinator.ts'
import type { Coordinator } from '../../src/coordinator/coordinator.ts'
import { voterPrivateKey } from '../../src/coordinator/voter-identity.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { AccessDeniedError, BinarySourceError, FencedError, WriteNotAllowedError } from '../../src/errors.ts'
import { createGenerationWork } from '../../src/leader/generation-work.ts'
import type { DraftMaker } from '../../src/leader/generation-work.ts'
import { admitRequest, buildRequest } from '../../src/leader/requests.ts'
import { SlurpPeer } from '../../src/peer.ts'
import { KVRaftStorage } from '../../src/raft/kv-storage.ts'
import type { QueueCommand } from '../../src/raft/queue-commands.ts'
import type { RelayNode } from '../../src/relay.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { issueCertificate } from '../../src/trust/certificate.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'

// Real relays, real voter peers electing a leader over libp2p, real records:
// a member's request becomes one context record, written by the leader role
// for the requested role, that exactly that role's readers (and the leader) open.

const voterKeys = await Promise.all([1, 2, 3].map(async () => await generateSigningKey()))
const network = await createTestNetwork({ generation: { leaderRole: 'project_manager', voters: voterKeys.map(({ key }) => toBase64url(key.publicKey)) } })

/** Summary from the first line: a generator small enough to check by eye, real enough to write real records. */
const firstLine: DraftMaker = async ({ path, text }) => ({ summary: `${path}: ${text.split('\n', 1)[0] ?? ''}`, tags: ['generated'] })

interface Voter { peer: SlurpPeer, coordinator: Coordinator }

let relays: RelayNode[]
const voters: Voter[] = []
let requester: SlurpPeer
let requesterMember: Awaited<ReturnType<typeof createTestMember>>
let addresses: string[]

beforeAll(async () => {
  relays = await startRelays(network, 3)
  const bootstrap = relays.map(relay => relay.multiaddrs()[0] as string)
  for (const { key, seed } of voterKeys) {
    const certificate = await issueCertificate(network.root, { member: key.publicKey, roles: ['project_manager'], notBefore: Date.now() - 60_000, notAfter: Date.now() + 86_400_000 })
    const peer = new SlurpPeer({
      network: { rootPublicKey: network.root.publicKey, policy: network.policy },
      member: { signer: key, certificate },
      keyring: await network.keyring('project_manager'),
      bootstrap,
      node: { privateKey: await voterPrivateKey(seed), listen: ['/ip4/127.0.0.1/tcp/0'] }
    })
    await peer.start()
    voters.push({ peer, coordinator: undefined as unknown as Coordinator })
  }
  const ids = voters.map(voter => voter.peer.peerId.toString())
  addresses = voters.map(voter => voter.peer.libp2p.getMultiaddrs()[0]?.toString() as string)
  for (const voter of voters) {
    for (const other of voters) {
      if (other !== voter) await voter.peer.libp2p.peerStore.merge(other.peer.peerId, { multiaddrs: [multiaddr(other.peer.libp2p.getMultiaddrs()[0]?.toString().replace(/\/p2p\/.*$/, '') as string)] })
    }
    const store = createMemoryStore()
    await store.open()
    voter.coordinator = createCoordinator({
      libp2p: voter.peer.libp2p,
      voters: ids,
      storage: new KVRaftStorage<QueueCommand>(store),
      work: createGenerationWork({
        put: async (address, draft, options) => await voter.peer.put(address, draft, options),
        makeDraft: firstLine,
        leaderRole: 'project_manager',
        list: async ({ signal }) => { await voter.peer.flushDirectory({ signal }) }
      }),
      admit: async request => { await admitRequest(request, { rootPublicKey: network.root.publicKey, policy: network.policy }) },
      electionTimeoutMs: 300,
      heartbeatMs: 50
    })
    await voter.coordinator.start()
  }
  requesterMember = await createTestMember(network, ['devops_engineer'])
  requester = await startPeer(network, relays, ['devops_engineer'], { member: { signer: requesterMember.signer, certificate: requesterMember.certificate } })
}, 60_000)

afterAll(async () => {
  for (const voter of voters) {
    await voter.coordinator.stop()
    await voter.peer.stop()
  }
  await requester?.stop()
  for (const relay of relays ?? []) await relay.stop()
})

const source = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('leader-coordinated generation on a real mesh', () => {
  it('a request is generated once into a record for the requested role: its readers open it, others cannot', async () => {
    const client = createCoordinatorClient({ libp2p: requester.libp2p, voters: addresses })
    const request = await buildRequest({ address: 'ucxl://demo/deploy/ci.yml', role: 'devops_engineer', source: source('CI pipeline\nsteps: []\n'), generatorVersion: 'first-line/1' }, requesterMember)
    const signal = AbortSignal.timeout(30_000)
    const ack = await client.submit(request, { signal })
    expect(ack.outcome).toBe('queued')
    const outcome = await client.waitFor(request.id, { signal })
    expect(outcome.state).toBe('done')

    const backend = await startPeer(network, relays, ['backend_developer'])
    const frontend = await startPeer(network, relays, ['frontend_developer'])
    try {
      const read = await backend.get('ucxl://demo/deploy/ci.yml')
      expect(read?.item.summary).toBe('deploy/ci.yml: CI pipeline')
      expect(read?.item.creatorRole).toBe('project_manager')
      expect(read?.item.metadata).toMatchObject({ requestId: request.id, sourceHash: request.sourceHash })
      await expect(frontend.get('ucxl://demo/deploy/ci.yml')).rejects.toThrow(AccessDeniedError)
      // Listed for the role it was generated for: its readers list it, others do not.
      const listed = await backend.list('demo')
      expect(listed.entries).toContainEqual({ address: 'ucxl://demo/deploy/ci.yml', type: 'context', roles: ['devops_engineer'] })
      expect((await frontend.list('demo')).entries.map(entry => entry.address)).not.toContain('ucxl://demo/deploy/ci.yml')
    } finally {
      await backend.stop()
      await frontend.stop()
    }

    // Asked again (a rerun of "slurp index"): acknowledged as a duplicate, nothing generated twice.
    const again = await client.submit(request, { signal })
    expect(again.outcome).toBe('duplicate')
    expect(again.state).toBe('done')

    // A deposed leader's late result for a request is refused by the relays: a term-5 result is held, a term-4 one comes late.
    const [current, deposed] = voters as [Voter, Voter]
    await current.peer.put('ucxl://demo/fenced.ts', { summary: 'term 5' }, { as: 'project_manager', generation: { forRole: 'devops_engineer', term: 5, requestId: 'fence-test' } })
    await expect(deposed.peer.put('ucxl://demo/fenced.ts', { summary: 'term 4' }, { as: 'project_manager', generation: { forRole: 'devops_engineer', term: 4, requestId: 'fence-test' } }))
      .rejects.toThrow(FencedError)
  })

  it('refuses at once what may not enter the queue: a role the requester lacks, a binary source', async () => {
    const client = createCoordinatorClient({ libp2p: requester.libp2p, voters: addresses })
    const signal = AbortSignal.timeout(30_000)
    const notMine = await buildRequest({ address: 'ucxl://demo/a.ts', role: 'backend_developer', source: source('x'), generatorVersion: 'first-line/1' }, requesterMember)
    await expect(client.submit(notMine, { signal })).rejects.toThrow(WriteNotAllowedError)
    await expect(buildRequest({ address: 'ucxl://demo/b.bin', role: 'devops_engineer', source: Uint8Array.of(0x7f, 0x45, 0, 1), generatorVersion: 'first-line/1' }, requesterMember))
      .rejects.toThrow(BinarySourceError)
    const status = await client.status({ signal })
    expect(status.queue.pending.normal + status.queue.inFlight).toBe(0)
  })
})
