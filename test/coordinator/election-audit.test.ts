import { describe, expect, it } from 'vitest'
import { decodeEntry } from '../../src/audit/entry.ts'
import { AuditLog } from '../../src/audit/log.ts'
import { ElectionAudit } from '../../src/coordinator/election-audit.ts'
import { createMemoryStore } from '../../src/store/memory.ts'

// The role changes a Raft node reports, in the order it reports them, as the
// audit log writes them down (a real log over an in-memory store).
describe('what a coordinator notes of its elections', () => {
  it('a term entry per term it moves to, an election entry per term it wins, nothing for its start, repeats or a lower term', async () => {
    const store = createMemoryStore()
    await store.open()
    let now = 1_000
    const log = new AuditLog({ store, now: () => now++ })
    await log.open()
    const audit = new ElectionAudit('self', { note: event => { log.append(event) } })

    audit.roleChanged('follower', 5, undefined) // loaded from disk: where it stands, not a change
    audit.roleChanged('pre-candidate', 5, undefined)
    audit.roleChanged('candidate', 6, undefined)
    audit.roleChanged('leader', 6, 'self')
    audit.roleChanged('leader', 6, 'self')
    audit.roleChanged('follower', 6, undefined) // stepped down (CheckQuorum): same term
    audit.roleChanged('follower', 8, 'other')
    audit.roleChanged('follower', 7, 'stale')
    audit.roleChanged('candidate', 9, undefined)
    audit.roleChanged('follower', 9, 'other')

    await log.flush()
    const entries = (await log.entries(0, 100)).map(entry => decodeEntry(entry.data))
    expect(entries.map(({ time, ...rest }) => rest)).toStrictEqual([
      { kind: 'term', previous: 5, term: 6 },
      { kind: 'election', term: 6, leader: 'self' },
      { kind: 'term', previous: 6, term: 8, leader: 'other' },
      { kind: 'term', previous: 8, term: 9 }
    ])
  })

  it('never throws into Raft when the log refuses an entry', () => {
    const audit = new ElectionAudit('self', { note: () => { throw new Error('log closed') } })
    audit.roleChanged('follower', 0, undefined)
    expect(() => { audit.roleChanged('candidate', 1, undefined) }).not.toThrow()
    expect(() => { audit.roleChanged('leader', 1, 'self') }).not.toThrow()
  })
})
