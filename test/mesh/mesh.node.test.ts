import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dhtKey } from '../../src/address/index.ts'
import { AccessDeniedError, NotFoundError, WriteNotAllowedError } from '../../src/errors.ts'
import type { RelayNode } from '../../src/relay.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import { createTestNetwork } from '../helpers/network.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'

const network = await createTestNetwork()
let relays: RelayNode[]
let writer: SlurpPeer
let reader: SlurpPeer
let outsider: SlurpPeer

beforeAll(async () => {
  relays = await startRelays(network, 5)
  writer = await startPeer(network, relays, ['backend_developer', 'devops_engineer', 'observer'])
  reader = await startPeer(network, relays, ['senior_architect'])
  outsider = await startPeer(network, relays, ['frontend_developer'])
}, 60_000)

afterAll(async () => {
  await Promise.all([writer, reader, outsider].map(async p => await p?.stop()))
  await Promise.all((relays ?? []).map(async r => await r.stop()))
})

describe('mesh: 5 relays, peers on loopback', () => {
  it('a put on one peer is read, decrypted, on another', async () => {
    const address = 'ucxl://agent001:backend_developer@project123:task456/src/main.go'
    const put = await writer.put(address, { summary: 'Entry point of the API server', tags: ['api'] }, { as: 'backend_developer' })
    expect(put.replicas).toBe(3)
    expect(put.key).toBe(await dhtKey(address))
    const got = await reader.get(address)
    expect(got.item.summary).toBe('Entry point of the API server')
    expect(got.meta.readAs).toBe('senior_architect')
    expect(got.meta.replicas).toBe(3)
    expect(got.conflicts).toEqual([])
    let holders = 0
    for (const relay of relays) if (await relay.keeper.has(put.key)) holders++
    expect(holders).toBe(3)
  })

  it('a role outside the readers gets AccessDeniedError', async () => {
    const address = 'ucxl://project123/deploy/secrets.md'
    await writer.put(address, { summary: 'devops only' }, { as: 'devops_engineer' })
    await expect(outsider.get(address)).rejects.toThrow(AccessDeniedError)
  })

  it('updates replace: the newest version wins everywhere', async () => {
    const address = 'ucxl://project123/docs/readme'
    await writer.put(address, { summary: 'v1' }, { as: 'backend_developer' })
    const second = await writer.put(address, { summary: 'v2' }, { as: 'backend_developer' })
    expect(Object.values(second.version)).toEqual([2])
    expect((await reader.get(address)).item.summary).toBe('v2')
  })

  it('reads are cached for offline use, and sync() pulls newer versions of what was read', async () => {
    const address = 'ucxl://project123/docs/changelog'
    await writer.put(address, { summary: 'first' }, { as: 'backend_developer' })
    await reader.get(address)
    expect((await reader.cached(address))?.item.summary).toBe('first')
    await writer.put(address, { summary: 'second' }, { as: 'backend_developer' })
    expect((await reader.cached(address))?.item.summary).toBe('first')
    const report = await reader.sync()
    expect(report.updated).toContain(address)
    expect(report.failed).toEqual([])
    expect((await reader.cached(address))?.item.summary).toBe('second')
    expect((await reader.sync()).updated).toEqual([])
  })

  it('missing addresses are NotFoundError; read_only roles cannot write', async () => {
    await expect(reader.get('ucxl://project123/nothing/here')).rejects.toThrow(NotFoundError)
    await expect(writer.put('ucxl://project123/x', { summary: 'x' }, { as: 'observer', type: 'suggestion' })).rejects.toThrow(WriteNotAllowedError)
  })
})
