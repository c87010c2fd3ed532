import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRelayApp } from '../../relay/http/app.ts'
import { serveHttp } from '../../relay/http/serve.node.ts'
import type { HttpServer } from '../../relay/http/serve-types.ts'
import { dhtKey } from '../../src/address/index.ts'
import { AuditClient, proveEntry, verifyRelayLog } from '../../src/audit/client.ts'
import type { ReadEntry } from '../../src/audit/client.ts'
import { decodeEntry } from '../../src/audit/entry.ts'
import type { AuditEntry } from '../../src/audit/entry.ts'
import { WriteNotAllowedError } from '../../src/errors.ts'
import { putRecordViaGateway } from '../../src/gateway/client.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import { RelayNode } from '../../src/relay.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import type { KVStore } from '../../src/store/types.ts'
import { certifyWithRoot } from '../../src/trust/relay-certificate.ts'
import { eventually, startPeer } from '../helpers/mesh.ts'
import { createTestMember, createTestNetwork, observerRecord } from '../helpers/network.ts'
import { writeRecord } from '../http/fixtures.ts'
import { slurpInProcess as slurp } from '../helpers/in-process-cli.ts'

// Real relays on loopback, a real HTTP server and the CLI in this process.
// Timers are long: the tests sign checkpoints and run witness rounds themselves.
const network = await createTestNetwork()
const member = await createTestMember(network, ['backend_developer'])
const observer = await createTestMember(network, ['observer'])
const keys: PrivateKey[] = [await generateKeyPair('Ed25519'), await generateKeyPair('Ed25519'), await generateKeyPair('Ed25519')]
const stores: KVStore[] = [createMemoryStore(), createMemoryStore(), createMemoryStore()]
const relays: RelayNode[] = []
let server: HttpServer
let peer: SlurpPeer
let dir: string

function relayWith (i: number, store: KVStore, bootstrap: readonly RelayNode[]): RelayNode {
  return new RelayNode({
    network: { rootPublicKey: network.root.publicKey, policy: network.policy },
    certificate: certifyWithRoot(network.root),
    store,
    bootstrap: bootstrap.map(relay => relay.multiaddrs()[0] as string),
    node: { listen: ['/ip4/127.0.0.1/tcp/0'], privateKey: keys[i] as PrivateKey },
    audit: { checkpointIntervalMs: 3_600_000, witnessIntervalMs: 0 }
  })
}

async function allEntries (relay: RelayNode): Promise<AuditEntry[]> {
  await relay.audit.log.flush()
  return (await relay.audit.log.entries(0, Math.min(1000, relay.audit.log.size))).map(entry => decodeEntry(entry.data))
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slurp-audit-cli-'))
  for (let i = 0; i < 2; i++) {
    const relay = relayWith(i, stores[i] as KVStore, relays)
    await relay.start()
    relays.push(relay)
  }
  server = await serveHttp(createRelayApp({ relay: relays[0] as RelayNode }), { hostname: '127.0.0.1', port: 0 })
  peer = await startPeer(network, relays, ['backend_developer'])
}, 60_000)

afterAll(async () => {
  await server?.close()
  await peer?.stop()
  await Promise.all(relays.map(async relay => await relay.stop()))
  await rm(dir, { recursive: true, force: true })
})

describe('a relay\'s audit log', () => {
  it('records a stored record and a refused write, by DHT key and code, never the address', async () => {
    const address = 'ucxl://agent001:backend_developer@audit:t1/src/stored.go'
    const key = await dhtKey(address)
    await peer.put(address, { summary: 'audited' }, { as: 'backend_developer' })
    await relays[0]?.holds(key)
    const refused = await observerRecord(observer, 'ucxl://audit/refused.md')
    await expect(putRecordViaGateway(server.url, refused.key, refused.bytes)).rejects.toThrow(WriteNotAllowedError)

    await eventually(async () => {
      const entries = await allEntries(relays[0] as RelayNode)
      expect(entries).toContainEqual(expect.objectContaining({ kind: 'stored', key }))
      expect(entries).toContainEqual(expect.objectContaining({ kind: 'rejected', key: refused.key, origin: 'member', code: 'ERR_WRITE_NOT_ALLOWED' }))
    })
    // The other relay took the record too (first-hand, or from its peer) and logged it.
    await eventually(async () => {
      expect(await allEntries(relays[1] as RelayNode)).toContainEqual(expect.objectContaining({ kind: 'stored', key }))
    })
    const text = JSON.stringify(await allEntries(relays[0] as RelayNode))
    expect(text).not.toContain('ucxl://')
    expect(text).not.toContain('127.0.0.1')
  })

  it('answers over HTTP with a signed checkpoint, entries and proofs that verify', async () => {
    const relay = relays[0] as RelayNode
    const checkpoint = await relay.audit.checkpoint()
    expect(checkpoint.log).toBe(relay.libp2p.peerId.toString())
    const client = new AuditClient(server.url)
    const { latest } = await client.checkpoints()
    expect(latest.checkpoint).toEqual(checkpoint)
    const verified = await verifyRelayLog(client)
    expect(verified.entries).toHaveLength(checkpoint.size)
    const proven = await proveEntry(client, checkpoint.size - 1)
    expect(proven.entry.index).toBe(checkpoint.size - 1)

    const proof = await fetch(`${server.url}/v1/audit/proof?from=1&to=${checkpoint.size}`)
    expect(proof.status).toBe(200)
    expect((await proof.json() as { proof: string[] }).proof.length).toBeGreaterThan(0)
    const page = await fetch(`${server.url}/v1/audit/entries?from=0&limit=2`)
    const body = await page.json() as { size: number, entries: Array<{ index: number, data: string, entry: AuditEntry }> }
    expect(body.entries.map(entry => entry.index)).toEqual([0, 1])
    expect(body.size).toBeGreaterThanOrEqual(checkpoint.size)
    const bad = await fetch(`${server.url}/v1/audit/proof?index=-1`)
    expect(bad.status).toBe(400)
    expect((await bad.json() as { error: { code: string } }).error.code).toBe('ERR_USAGE')
    const beyond = await fetch(`${server.url}/v1/audit/proof?index=0&size=${relay.audit.log.size + 5}`)
    expect(beyond.status).toBe(400)
    // What the "audit checkpoint stale" alert reads.
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toContain(`slurp_audit_checkpoint_timestamp_seconds ${checkpoint.time / 1000}`)
    expect(metrics).toMatch(/^slurp_audit_entries_total \d+/m)
  })

  it('witnesses countersign each other\'s checkpoints, after a consistency proof once they hold one', async () => {
    const [a, b] = relays as [RelayNode, RelayNode]
    await a.audit.checkpoint()
    await b.audit.checkpoint()
    await eventually(async () => {
      await b.audit.witnessRound()
      expect(a.audit.latest()?.cosignatures.map(cosignature => cosignature.witness)).toContain(b.libp2p.peerId.toString())
    })
    await a.audit.witnessRound()
    expect(b.audit.latest()?.cosignatures.map(cosignature => cosignature.witness)).toContain(a.libp2p.peerId.toString())
    const held = await b.audit.witness?.latest(a.libp2p.peerId.toString())
    expect(held?.size).toBe(a.audit.latest()?.checkpoint.size)

    // The log grows; the next round proves the new checkpoint extends the held one.
    const record = await writeRecord(network, member, 'ucxl://audit/grown.md', 'more')
    await putRecordViaGateway(server.url, record.key, record.bytes)
    const grown = await a.audit.checkpoint()
    expect(grown.size).toBeGreaterThan(held?.size ?? 0)
    await b.audit.witnessRound()
    expect(a.audit.latest()?.checkpoint).toEqual(grown)
    expect(a.audit.latest()?.cosignatures.map(cosignature => cosignature.witness)).toEqual([b.libp2p.peerId.toString()])
    expect((await b.audit.witness?.latest(a.libp2p.peerId.toString()))?.size).toBe(grown.size)

    const { latest, witnessed } = await new AuditClient(server.url).checkpoints()
    expect(latest.cosignatures.map(cosignature => cosignature.witness)).toEqual([b.libp2p.peerId.toString()])
    expect(witnessed?.checkpoint).toEqual(grown)
    const witness = await (await fetch(`${server.url}/v1/audit/witness`)).json() as { witness: string, logs: Array<{ log: string }> }
    expect(witness.logs.map(log => log.log)).toContain(b.libp2p.peerId.toString())
  })

  it('slurp audit tail, verify (with the checkpoint saved last time) and prove', async () => {
    const relay = relays[0] as RelayNode
    await relay.audit.checkpoint()
    const first = await slurp(['audit', 'verify', '--relay', server.url, '--dir', dir])
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    const report = first.json()
    expect(report).toMatchObject({ relay: relay.libp2p.peerId.toString(), verified: true, previous: null })
    const saved = JSON.parse(await readFile(join(dir, 'audit', `${report.relay as string}.json`), 'utf8'))
    expect(saved.checkpoint.size).toBe(report.size)

    const record = await writeRecord(network, member, 'ucxl://audit/cli.md', 'for the cli')
    await putRecordViaGateway(server.url, record.key, record.bytes)
    const grown = await relay.audit.checkpoint()
    const second = await slurp(['audit', 'verify', '--relay', server.url, '--dir', dir])
    expect(second.code).toBe(0)
    expect(second.json()).toMatchObject({ size: grown.size, previous: { size: report.size } })

    const tail = await slurp(['audit', 'tail', '--relay', server.url, '--from', '0'])
    expect(tail.code).toBe(0)
    const lines = tail.stdout.trim().split('\n').map(line => JSON.parse(line) as ReadEntry['entry'] & { index: number })
    expect(lines.length).toBeGreaterThanOrEqual(grown.size)
    expect(lines).toContainEqual(expect.objectContaining({ kind: 'stored', key: record.key, origin: 'member' }))
    expect((await slurp(['audit', 'tail', '--relay', server.url])).stdout.trim().split('\n').length).toBe(Math.min(20, relay.audit.log.size))

    const prove = await slurp(['audit', 'prove', '--relay', server.url, '--index', '0'])
    expect(prove.code).toBe(0)
    expect(prove.json()).toMatchObject({ included: true, index: 0, checkpoint: { size: grown.size } })
    const usage = await slurp(['audit', 'prove', '--relay', server.url])
    expect(usage.code).toBe(2)
  })

  it('keeps its log across a restart, and a witness catches a relay that comes back with another history', async () => {
    const [a, b] = relays as [RelayNode, RelayNode]
    const id = b.libp2p.peerId.toString()
    await b.audit.checkpoint()
    await a.audit.witnessRound()
    const held = await a.audit.witness?.latest(id)
    expect(held?.size).toBeGreaterThan(0)

    // The same relay, same store, restarted: log, checkpoint and proofs are all still there.
    const before = b.audit.latest()?.checkpoint
    await b.stop()
    const restarted = relayWith(1, stores[1] as KVStore, [a])
    await restarted.start()
    relays[1] = restarted
    expect(restarted.audit.log.size).toBeGreaterThanOrEqual(before?.size ?? 0)
    expect(await restarted.audit.log.root(before?.size)).toEqual(before?.root)
    expect(restarted.audit.latest()?.checkpoint.size).toBeGreaterThanOrEqual(before?.size ?? 0)
    await eventually(async () => {
      await a.audit.witnessRound()
      expect(restarted.audit.latest()?.cosignatures.map(cosignature => cosignature.witness)).toContain(a.libp2p.peerId.toString())
    })
    expect(a.audit.witness?.splitViews).toEqual([])

    // The same key with a store that holds another history: a split view, in the witness's own log.
    await restarted.stop()
    const impostor = relayWith(1, stores[2] as KVStore, [a])
    await impostor.start()
    relays[1] = impostor
    await eventually(async () => {
      await a.audit.witnessRound()
      expect(a.audit.witness?.splitViews.map(report => report.log)).toEqual([id])
    })
    expect(await allEntries(a)).toContainEqual(expect.objectContaining({ kind: 'split-view', peer: id }))
  })
})
