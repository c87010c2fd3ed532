import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BinarySourceError, InvalidSignatureError, SourceTooLargeError, UnknownRoleError, WriteNotAllowedError } from '../../src/errors.ts'
import { parseDirectorySource, directorySource } from '../../src/leader/directory-source.ts'
import { admitRequest, buildRequest, sourceText } from '../../src/leader/requests.ts'
import { MAX_SOURCE_LENGTH } from '../../src/raft/queue-commands.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'

const network = await createTestNetwork()
const check = { rootPublicKey: network.root.publicKey, policy: network.policy }
const member = await createTestMember(network, ['backend_developer'])
const text = (value: string): Uint8Array => new TextEncoder().encode(value)

describe('generation requests', () => {
  it('a signed request for a role the member holds is admitted; the same input gives the same id', async () => {
    const input = { address: 'ucxl://demo/src/a.ts', role: 'backend_developer', source: text('export const a = 1\n'), generatorVersion: 'static@1.0.0' }
    const request = await buildRequest(input, member)
    await admitRequest(request, check)
    expect((await buildRequest(input, member)).id).toBe(request.id)
    expect((await buildRequest({ ...input, source: text('export const a = 2\n') }, member)).id).not.toBe(request.id)
  })

  it('changing any signed field after signing is refused', async () => {
    const request = await buildRequest({ address: 'ucxl://demo/src/a.ts', role: 'backend_developer', source: text('x'), generatorVersion: 'v1' }, member)
    await fc.assert(fc.asyncProperty(
      fc.constantFrom('id', 'priority', 'generatorVersion', 'dependsOn', 'sourceKey'),
      async field => {
        const changed = { ...request, [field]: field === 'priority' ? 'urgent' : field === 'dependsOn' ? ['other'] : `${String(request[field as 'id'])}x` }
        await expect(admitRequest(changed, check)).rejects.toThrow(InvalidSignatureError)
      }
    ), { numRuns: 10, seed: 13 })
    await expect(admitRequest({ ...request, source: 'y' }, check)).rejects.toThrow(InvalidSignatureError)
    const { requester: _, ...unsigned } = request
    await expect(admitRequest(unsigned, check)).rejects.toThrow(/must be signed/)
  })

  it('a role the member does not hold, or an unknown role, is refused by name', async () => {
    const other = await buildRequest({ address: 'ucxl://demo/a', role: 'frontend_developer', source: text('x'), generatorVersion: 'v1' }, member)
    await expect(admitRequest(other, check)).rejects.toThrow(WriteNotAllowedError)
    const unknown = await buildRequest({ address: 'ucxl://demo/a', role: 'nobody', source: text('x'), generatorVersion: 'v1' }, member)
    await expect(admitRequest(unknown, check)).rejects.toThrow(UnknownRoleError)
  })

  it('binary and oversized sources are refused before they travel', () => {
    expect(() => sourceText(Uint8Array.of(65, 0, 66))).toThrow(BinarySourceError)
    expect(() => sourceText(new Uint8Array(64).fill(0xff))).toThrow(BinarySourceError)
    expect(() => sourceText(new Uint8Array(MAX_SOURCE_LENGTH + 1).fill(97))).toThrow(SourceTooLargeError)
    expect(sourceText(text('héllo'))).toBe('héllo')
  })

  it('a directory source lists its children and is told apart from any file text', () => {
    const children = ['ucxl://demo/src/a.ts', 'ucxl://demo/src/b']
    expect(parseDirectorySource(new TextDecoder().decode(directorySource(children)))).toEqual(children)
    fc.assert(fc.property(fc.string(), value => {
      if (!value.startsWith('{"format":"slurp-directory/1"')) expect(parseDirectorySource(value)).toBeUndefined()
    }), { seed: 13 })
  })
})
