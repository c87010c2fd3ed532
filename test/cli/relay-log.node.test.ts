import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, logRelayActivity, parseLogLevel } from '../../relay/log.ts'
import type { LogLevel } from '../../relay/log.ts'
import type { RelayNode } from '../../src/relay.ts'
import { eventually, startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import { tamper, writeRecord } from '../http/fixtures.ts'

// A relay's log as an operator reads it: at info one summary per interval of
// joins, stores and rejections; at debug a line for each.
const network = await createTestNetwork()
const member = await createTestMember(network, ['backend_developer'])
let relay: RelayNode

beforeAll(async () => { relay = (await startRelays(network, 1))[0] as RelayNode }, 30_000)
afterAll(async () => { await relay?.stop() })

function logTo (level: LogLevel): { lines: string[], log: ReturnType<typeof createLogger> } {
  const lines: string[] = []
  return { lines, log: createLogger({ level, write: line => { lines.push(line) }, now: () => new Date('2026-01-02T03:04:05Z') }) }
}

describe('the relay log', () => {
  it('parses --log-level and refuses other words', () => {
    expect(parseLogLevel(undefined)).toBe('info')
    expect(parseLogLevel('DEBUG')).toBe('debug')
    expect(() => parseLogLevel('loud')).toThrow(/--log-level takes error, warn, info, debug, not "loud"/)
  })

  it('writes only lines at or above its level, with time and level', () => {
    const { lines, log } = logTo('warn')
    log.debug('d')
    log.info('i')
    log.warn('w')
    log.error('e')
    expect(lines).toEqual(['2026-01-02T03:04:05.000Z warn  w\n', '2026-01-02T03:04:05.000Z error e\n'])
  })

  it('at info sums up joins, stores and rejections per interval; at debug also says each', async () => {
    const info = logTo('info')
    const debug = logTo('debug')
    const activities = [logRelayActivity(relay, info.log, { summaryEveryMs: 3_600_000 }), logRelayActivity(relay, debug.log, { summaryEveryMs: 3_600_000 })]
    try {
      // Nothing happened: nothing said.
      for (const activity of activities) activity.flush()
      expect(info.lines).toEqual([])
      const peer = await startPeer(network, [relay], ['backend_developer'])
      await peer.stop()
      // The relay hears of the peer leaving a moment later: both ends of it in this interval.
      await eventually(() => { expect(relay.libp2p.getPeers()).toHaveLength(0) })
      const good = await writeRecord(network, member, 'ucxl://log/a', 'a')
      await relay.keeper.put(good.key, good.bytes)
      const forged = await writeRecord(network, member, 'ucxl://log/b', 'b')
      await expect(relay.keeper.put(forged.key, tamper(forged.bytes))).rejects.toThrow()
      for (const activity of activities) activity.flush()
      expect(info.lines).toHaveLength(1)
      expect(info.lines[0]).toMatch(/^\S+ info {2}peers 0 \(\+1 −1\), stored 1 \(1 first-hand, 0 from relays\), rejected 1 \(ERR_INVALID_SIGNATURE 1\)\n$/)
      expect(debug.lines.some(line => / debug peer connected 12D3\w+ \(\d+ peers\)/.test(line))).toBe(true)
      expect(debug.lines.some(line => line.includes(`debug stored ${good.key} (first-hand)`))).toBe(true)
      expect(debug.lines.some(line => line.includes(`debug rejected ${forged.key}: ERR_INVALID_SIGNATURE (first-hand)`))).toBe(true)
      // Each summary covers only its interval.
      for (const activity of activities) activity.flush()
      expect(info.lines).toHaveLength(1)
    } finally {
      for (const activity of activities) activity.stop()
    }
  })
})
