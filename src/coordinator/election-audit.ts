import type { AuditEvent } from '../audit/log.ts'
import type { Role } from '../raft/types.ts'

/**
 * Where a coordinator notes its elections and term changes: the relay's
 * audit log when the voter runs inside a relay (RelayAudit), else one of its
 * own. `note` queues the entry; it may throw for an entry it cannot encode.
 */
export interface ElectionAuditSink {
  note: (event: AuditEvent) => void
}

/**
 * Turns the Raft node's role changes into audit entries (issue 14 §2: "on
 * coordinators, elections and term changes"): a `term` entry each time this
 * voter's term moves up, naming the leader when the same change names one,
 * and an `election` entry when this voter wins a term. Peer ids, terms and
 * the log's time only.
 *
 * The first change the node reports is the term it loaded from its disk (it
 * reports once on start): taken as where the voter stands, not as a change,
 * so a restart writes nothing and the log's term entries stay one chain.
 */
export class ElectionAudit {
  private term: number | undefined
  /** The newest term this voter noted winning: one election entry per term, whatever the node repeats. */
  private won = 0

  constructor (private readonly self: string, private readonly sink: ElectionAuditSink) {}

  roleChanged (role: Role, term: number, leader: string | undefined): void {
    if (this.term === undefined) {
      this.term = term
    } else if (term > this.term) {
      this.note({ kind: 'term', previous: this.term, term, ...(leader === undefined ? {} : { leader }) })
      this.term = term
    }
    if (role === 'leader' && leader === this.self && term > this.won) {
      this.won = term
      this.note({ kind: 'election', term, leader })
    }
  }

  private note (event: AuditEvent): void {
    try {
      this.sink.note(event)
    } catch {
      // Called from Raft's callbacks: an audit failure must not change how the voter votes or leads.
    }
  }
}
