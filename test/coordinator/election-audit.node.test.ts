import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { verifyCheckpoint } from '../../src/audit/checkpoint.ts'
import type { SignedCheckpoint } from '../../src/audit/checkpoint.ts'
import { decodeEntry } from '../../src/audit/entry.ts'
import type { AuditEntry } from '../../src/audit/entry.ts'
import type { RelayAudit } from '../../src/audit/relay-audit.ts'
import { verifyCheckpointsConsistent, verifyEntries, verifyEntryIncluded } from '../../src/audit/verify.ts'
import { TestCluster, until } from './voters.ts'
import type { TestVoter } from './voters.ts'

// Three voters on loopback TCP, each noting its elections and term changes in
// an audit log in its own LevelDB, signed with its own key: what `slurp
// coordinator` keeps (issue 14 §2).

let root = ''
let cluster: TestCluster | undefined
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'slurp-election-audit-')) })
afterEach(async () => { await cluster?.stop(); cluster = undefined })
afterAll(async () => { await rm(root, { recursive: true, force: true }) })

interface VerifiedLog {
  readonly checkpoint: SignedCheckpoint
  readonly data: Uint8Array[]
  readonly entries: AuditEntry[]
}

/** The voter's log up to a checkpoint it signs now, checked as any reader would check it. */
async function verifiedLog (voter: TestVoter): Promise<VerifiedLog> {
  const audit = voter.audit as RelayAudit
  const checkpoint = await audit.checkpoint()
  expect(checkpoint.log).toBe(voter.id)
  await verifyCheckpoint(checkpoint)
  const data = (await audit.log.entries(0, checkpoint.size)).map(entry => entry.data)
  await verifyEntries(data, checkpoint)
  return { checkpoint, data, entries: data.map(decodeEntry) }
}

/**
 * What every voter's log must say, taken together: each log is a chain of
 * term changes from term 0 (each one's previous is the last one's term), an
 * election only in the term its own log just moved to and naming itself, no
 * term won twice, and a term change that names a leader names that term's winner.
 */
function checkElections (logs: ReadonlyMap<string, readonly AuditEntry[]>): Map<number, string> {
  const winners = new Map<number, string>()
  for (const [voter, entries] of logs) {
    let term = 0
    for (const entry of entries) {
      if (entry.kind === 'term') {
        expect(entry.previous).toBe(term)
        term = entry.term
      } else if (entry.kind === 'election') {
        expect(entry).toMatchObject({ term, leader: voter })
        expect(winners.has(entry.term), `term ${entry.term} won twice`).toBe(false)
        winners.set(entry.term, voter)
      } else {
        throw new Error(`a coordinator wrote a ${entry.kind} entry`)
      }
    }
  }
  for (const entries of logs.values()) {
    for (const entry of entries) {
      if (entry.kind === 'term' && entry.leader !== undefined && winners.has(entry.term)) expect(entry.leader).toBe(winners.get(entry.term))
    }
  }
  return winners
}

function lastTerm (entries: readonly AuditEntry[]): number {
  return entries.filter(entry => entry.kind === 'term').at(-1)?.term ?? 0
}

describe('a coordinator\'s audit log', () => {
  it('notes each election on the winner\'s log and each term change on every voter; a killed leader\'s successor wins a higher term', async () => {
    const voters = cluster = await TestCluster.start(join(root, 'cluster'), { audit: true })
    await until(() => voters.agreedLeader() !== undefined, 'the voters to agree on a leader')
    const first = voters.agreedLeader() as TestVoter
    const firstTerm = first.coordinator.status().term

    const logs = new Map<string, AuditEntry[]>()
    const before = new Map<string, VerifiedLog>()
    for (const voter of voters.voters) {
      const log = await verifiedLog(voter)
      before.set(voter.id, log)
      logs.set(voter.id, log.entries)
      // Every voter moved to the term they agree on, and wrote it down.
      expect(lastTerm(log.entries)).toBe(firstTerm)
    }
    const winners = checkElections(logs)
    expect(winners.get(firstTerm)).toBe(first.id)
    expect(logs.get(first.id)?.filter(entry => entry.kind === 'election' && entry.term === firstTerm)).toHaveLength(1)

    await voters.kill(first)
    await until(() => voters.agreedLeader() !== undefined, 'the two survivors to agree on a new leader')
    const second = voters.agreedLeader() as TestVoter
    const secondTerm = second.coordinator.status().term
    expect(second.id).not.toBe(first.id)
    expect(secondTerm).toBeGreaterThan(firstTerm)

    for (const voter of voters.running) {
      const earlier = before.get(voter.id) as VerifiedLog
      const log = await verifiedLog(voter)
      // The log only grew: the checkpoint signed before is a prefix of this one.
      verifyCheckpointsConsistent(earlier.checkpoint, log.checkpoint, await (voter.audit as RelayAudit).log.consistencyProof(earlier.checkpoint.size, log.checkpoint.size))
      expect(log.entries.slice(0, earlier.entries.length)).toEqual(earlier.entries)
      expect(lastTerm(log.entries)).toBe(secondTerm)
      logs.set(voter.id, log.entries)
    }
    const after = checkElections(logs)
    expect(after.get(secondTerm)).toBe(second.id)
    // The new leader's election entry, proven in its signed log on its own.
    const { checkpoint, data, entries } = await verifiedLog(second)
    const index = entries.findIndex(entry => entry.kind === 'election' && entry.term === secondTerm)
    expect(index).toBeGreaterThanOrEqual(0)
    verifyEntryIncluded(index, data[index] as Uint8Array, await (second.audit as RelayAudit).log.inclusionProof(index, checkpoint.size), checkpoint)

    // The old leader comes back: its restart is no term change; what it learns since is.
    const back = await voters.restart(first)
    await until(() => back.coordinator.status().term >= secondTerm && back.coordinator.status().leader !== undefined, 'the old leader to follow again')
    const rejoined = await verifiedLog(back)
    const kept = logs.get(first.id) as AuditEntry[]
    expect(rejoined.entries.slice(0, kept.length)).toEqual(kept)
    expect(rejoined.entries.length).toBeGreaterThan(kept.length)
    logs.set(back.id, rejoined.entries)
    checkElections(logs)
  }, 60_000)
})
