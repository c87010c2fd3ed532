import { describe, expect, it } from 'vitest'
import {
  ExpiredCertificateError, InvalidAddressError, InvalidRecordError, InvalidSignatureError, NetworkError, NotFoundError,
  RecordTooLargeError, StaleRecordError, UsageError, WriteNotAllowedError
} from '../../src/errors.ts'
import { getRecordsViaGateway, putRecordViaGateway } from '../../src/gateway/client.ts'
import { parseRecordKey, recordPath } from '../../src/gateway/record-key.ts'

// The client against a scripted fetch: URL building and the mapping from
// answers to named errors, with no server (so it runs in the browser too).
const hash = 'q'.repeat(42) + 'A'
const key = `/slurp/ucxl/${hash}`

function scripted (status: number, body: BodyInit | null, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const seen: Request[] = []
  const fetcher = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    seen.push(new Request(input, init))
    return new Response(body, { status, headers })
  }
  return { fetch: fetcher as typeof fetch, seen }
}

function errorBody (code: string, message = 'told by the relay'): string {
  return JSON.stringify({ error: { code, message } })
}

describe('gateway record keys', () => {
  it('accepts the hash part or the whole key and gives the full key', () => {
    expect(parseRecordKey(hash)).toBe(key)
    expect(parseRecordKey(key)).toBe(key)
    expect(recordPath(key)).toBe(`/v1/records/${hash}`)
    expect(recordPath(hash)).toBe(`/v1/records/${hash}`)
  })

  it('refuses anything else with InvalidAddressError', () => {
    for (const bad of ['', 'short', hash + 'A', hash.slice(1) + '=', `/slurp/ucxl/${hash}/x`, `/other/${hash}`, hash.slice(1) + '/']) {
      expect(() => parseRecordKey(bad), bad).toThrow(InvalidAddressError)
    }
  })
})

describe('gateway client', () => {
  it('PUTs the bytes as octet-stream to base/v1/records/<hash>, also under a path prefix', async () => {
    const { fetch, seen } = scripted(200, JSON.stringify({ key, outcome: 'sibling', siblings: 2 }))
    const bytes = new Uint8Array([1, 2, 3])
    expect(await putRecordViaGateway('https://relay.example/api', key, bytes, { fetch })).toEqual({ outcome: 'sibling', siblings: 2 })
    const request = seen[0] as Request
    expect(request.method).toBe('PUT')
    expect(request.url).toBe(`https://relay.example/api/v1/records/${hash}`)
    expect(request.headers.get('content-type')).toBe('application/octet-stream')
    expect(new Uint8Array(await request.arrayBuffer())).toEqual(bytes)
    await putRecordViaGateway(new URL('https://relay.example/'), hash, bytes, { fetch })
    expect((seen[1] as Request).url).toBe(`https://relay.example/v1/records/${hash}`)
  })

  it('maps error codes to the named classes', async () => {
    const cases: Array<[number, string, new (...args: any[]) => Error]> = [
      [409, 'ERR_STALE_RECORD', StaleRecordError],
      [413, 'ERR_RECORD_TOO_LARGE', RecordTooLargeError],
      [400, 'ERR_INVALID_SIGNATURE', InvalidSignatureError],
      [400, 'ERR_WRITE_NOT_ALLOWED', WriteNotAllowedError],
      [400, 'ERR_EXPIRED_CERTIFICATE', ExpiredCertificateError],
      [400, 'ERR_INVALID_ADDRESS', InvalidAddressError],
      [400, 'ERR_INVALID_RECORD', InvalidRecordError],
      [400, 'ERR_SOMETHING_NEW', InvalidRecordError],
      [404, 'ERR_NOT_FOUND', NotFoundError],
      [500, 'ERR_INTERNAL', NetworkError],
      [503, 'ERR_UNAVAILABLE', NetworkError]
    ]
    for (const [status, code, type] of cases) {
      const { fetch } = scripted(status, errorBody(code))
      const error = await putRecordViaGateway('http://relay', key, new Uint8Array(1), { fetch }).catch((e: unknown) => e)
      expect(error, code).toBeInstanceOf(type)
      expect((error as Error).message).toContain('told by the relay')
    }
  })

  it('falls back on the status when the body is not a gateway error (a proxy page)', async () => {
    const html = { 'content-type': 'text/html' }
    await expect(putRecordViaGateway('http://relay', key, new Uint8Array(1), scripted(413, '<h1>too big</h1>', html))).rejects.toThrow(RecordTooLargeError)
    await expect(putRecordViaGateway('http://relay', key, new Uint8Array(1), scripted(400, 'bad', html))).rejects.toThrow(InvalidRecordError)
    await expect(putRecordViaGateway('http://relay', key, new Uint8Array(1), scripted(409, null, html))).rejects.toThrow(StaleRecordError)
    await expect(getRecordsViaGateway('http://relay', key, scripted(404, 'gone', html))).rejects.toThrow(NotFoundError)
    await expect(getRecordsViaGateway('http://relay', key, scripted(502, '<h1>bad gateway</h1>', html))).rejects.toThrow(NetworkError)
  })

  it('an answer that is not what was asked for is NetworkError', async () => {
    await expect(putRecordViaGateway('http://relay', key, new Uint8Array(1), scripted(200, 'not json'))).rejects.toThrow(NetworkError)
    await expect(putRecordViaGateway('http://relay', key, new Uint8Array(1), scripted(200, JSON.stringify({ outcome: 'stale', siblings: 1 })))).rejects.toThrow(NetworkError)
    await expect(putRecordViaGateway('http://relay', key, new Uint8Array(1), scripted(200, 'null'))).rejects.toThrow(NetworkError)
    await expect(getRecordsViaGateway('http://relay', key, scripted(200, new Uint8Array([9, 9, 9]), { 'content-type': 'application/octet-stream' }))).rejects.toThrow(NetworkError)
  })

  it('a GET of an empty sibling set returns no records', async () => {
    expect(await getRecordsViaGateway('http://relay', key, scripted(200, new Uint8Array([1, 0]), { 'content-type': 'application/octet-stream' }))).toEqual([])
  })

  it('a fetch that throws is NetworkError; a bad base URL is UsageError; a bad key sends nothing', async () => {
    const failing = (async () => { throw new TypeError('fetch failed') }) as typeof fetch
    await expect(getRecordsViaGateway('http://relay', key, { fetch: failing })).rejects.toThrow(NetworkError)
    const { fetch, seen } = scripted(200, '{}')
    await expect(getRecordsViaGateway('not a url', key, { fetch })).rejects.toThrow(UsageError)
    await expect(putRecordViaGateway('http://relay', 'nope', new Uint8Array(1), { fetch })).rejects.toThrow(InvalidAddressError)
    expect(seen).toHaveLength(0)
  })
})
