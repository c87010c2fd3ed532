import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NetworkError } from '../../src/errors.ts'
import { createSlurpNode } from '../../src/net/node.ts'
import type { SlurpLibp2p } from '../../src/net/node.ts'
import { RECORD_PROTOCOL } from '../../src/net/record-messages.ts'
import { sendRequest } from '../../src/net/request-response.ts'

// Fault injection: a peer that takes the stream and never answers, like a
// connection that died without a close. A request must give up, not hang.
let silent: SlurpLibp2p
let asker: SlurpLibp2p
const opened: string[] = []

beforeAll(async () => {
  silent = await createSlurpNode({ kind: 'relay', listen: ['/ip4/127.0.0.1/tcp/0'] })
  await silent.handle(RECORD_PROTOCOL, stream => { opened.push(stream.id) })
  await silent.start()
  asker = await createSlurpNode({ kind: 'peer', listen: [] })
  await asker.start()
  await asker.dial(silent.getMultiaddrs()[0]!)
})

afterAll(async () => {
  await asker?.stop()
  await silent?.stop()
})

describe('requests to a peer that never answers', () => {
  it('fail with NetworkError after the timeout when the caller gave no signal', async () => {
    await expect(sendRequest(asker, silent.peerId, RECORD_PROTOCOL, new Uint8Array([1]), { timeoutMs: 300 })).rejects.toThrow(NetworkError)
    expect(opened.length).toBe(1)
  })

  it('follow the caller\'s signal when there is one', async () => {
    const controller = new AbortController()
    const pending = sendRequest(asker, silent.peerId, RECORD_PROTOCOL, new Uint8Array([1]), { signal: controller.signal, timeoutMs: 1 })
    setTimeout(() => { controller.abort() }, 200)
    await expect(pending).rejects.toThrow(NetworkError)
  })
})
