/**
 * Every error a caller can act on. Each has a stable `code` so programs (and the
 * CLI's exit codes) can branch on it without matching message text.
 */
export class SlurpError extends Error {
  readonly code: string = 'ERR_SLURP'

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

/** A ucxl:// address that does not parse, or parses to something unsafe. */
export class InvalidAddressError extends SlurpError {
  override readonly code = 'ERR_INVALID_ADDRESS'
}

/** A role name the policy does not define. */
export class UnknownRoleError extends SlurpError {
  override readonly code = 'ERR_UNKNOWN_ROLE'
}

/** A policy document that is malformed or inconsistent. */
export class InvalidPolicyError extends SlurpError {
  override readonly code = 'ERR_INVALID_POLICY'
}

/** A signature that does not verify under the key it claims. */
export class InvalidSignatureError extends SlurpError {
  override readonly code = 'ERR_INVALID_SIGNATURE'
}

/** A membership certificate that is malformed, for another network, or names unknown roles. */
export class InvalidCertificateError extends SlurpError {
  override readonly code = 'ERR_INVALID_CERTIFICATE'
}

/** A membership certificate outside its not-before / not-after window. */
export class ExpiredCertificateError extends SlurpError {
  override readonly code = 'ERR_EXPIRED_CERTIFICATE'
}

/** A key (age identity, recipient, Ed25519 key) that does not decode. */
export class InvalidKeyError extends SlurpError {
  override readonly code = 'ERR_INVALID_KEY'
}

/** None of the held role keys can open this ciphertext. */
export class AccessDeniedError extends SlurpError {
  override readonly code = 'ERR_ACCESS_DENIED'
}

/** Ciphertext that is not a valid age file (corrupt, truncated, tampered). */
export class DecryptionError extends SlurpError {
  override readonly code = 'ERR_DECRYPTION'
}

/** A well-formed age file, but none of the given identities unwraps any of its stanzas. */
export class AgeNoMatchError extends AccessDeniedError {}

/**
 * Where a malformed, truncated or tampered age file went wrong, in the terms of
 * C2SP's CCTV age vectors: `armor` (ASCII armor), `header` (the text header or the
 * payload nonce), `stanza` (an identity recognised a stanza and found it invalid),
 * `mac` (the header MAC does not verify), `payload` (STREAM).
 */
export type AgeFailure = 'armor' | 'header' | 'stanza' | 'mac' | 'payload'

/** Not a valid age file, or one that was altered: never any plaintext. */
export class AgeMalformedError extends DecryptionError {
  constructor (readonly reason: AgeFailure, message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

/** A role writing a content type its authority level does not allow. */
export class WriteNotAllowedError extends SlurpError {
  override readonly code = 'ERR_WRITE_NOT_ALLOWED'
}

/** A record signed by a member the root revoked, at or after the revocation. */
export class MemberRevokedError extends SlurpError {
  override readonly code = 'ERR_MEMBER_REVOKED'
}

/** Bytes that do not decode as a record envelope, or a record that fails validation. */
export class InvalidRecordError extends SlurpError {
  override readonly code: string = 'ERR_INVALID_RECORD'
}

/** A record (or other input) over its size limit. */
export class RecordTooLargeError extends InvalidRecordError {
  override readonly code = 'ERR_RECORD_TOO_LARGE'
}

/** A record whose vector clock is dominated by (or equal to) the one already stored. */
export class StaleRecordError extends SlurpError {
  override readonly code = 'ERR_STALE_RECORD'
}

/**
 * A conditional write (put if newest) whose version does not supersede every
 * version the relay holds: someone else wrote meanwhile. The relay answers
 * with what it holds, so the writer can write again on top of it.
 */
export class VersionConflictError extends SlurpError {
  override readonly code = 'ERR_VERSION_CONFLICT'
}

/** A requested key or record that does not exist. */
export class NotFoundError extends SlurpError {
  override readonly code = 'ERR_NOT_FOUND'
}

/** A storage backend failure (open, read, write, lock). */
export class StorageError extends SlurpError {
  override readonly code = 'ERR_STORAGE'
}

/** An adapter asked for on a runtime that cannot provide it. */
export class UnsupportedRuntimeError extends SlurpError {
  override readonly code = 'ERR_UNSUPPORTED_RUNTIME'
}

/** An operation stopped by its AbortSignal. */
export class AbortError extends SlurpError {
  override readonly code = 'ERR_ABORTED'
}

/** Bad command-line or configuration input. */
export class UsageError extends SlurpError {
  override readonly code = 'ERR_USAGE'
}

/** Throws the signal's reason as an AbortError when the signal has fired. */
export function throwIfAborted (signal?: AbortSignal): void {
  if (signal?.aborted === true) {
    throw new AbortError('operation aborted', { cause: signal.reason })
  }
}

/** Fewer replicas acknowledged a write than the caller required. */
export class ReplicationError extends SlurpError {
  override readonly code = 'ERR_REPLICATION'

  constructor (message: string, readonly acknowledged: number, readonly required: number, options?: ErrorOptions) {
    super(message, options)
  }
}

/** No relay could be reached, or a remote answered with something unusable. */
export class NetworkError extends SlurpError {
  override readonly code = 'ERR_NETWORK'
}

/** An invite (network, membership and role keys in one bundle) that is malformed or not signed by its network root. */
export class InvalidInviteError extends SlurpError {
  override readonly code = 'ERR_INVALID_INVITE'
}

/** The key vault is protected by a passphrase that was not given, or was wrong. */
export class VaultLockedError extends SlurpError {
  override readonly code = 'ERR_VAULT_LOCKED'
}

/**
 * A record whose vector clock names an actor, or a counter, that the relay
 * has not seen signed for this key (issue 10 finding 6: clock poisoning).
 */
export class ClockRuleError extends SlurpError {
  override readonly code = 'ERR_CLOCK_RULE'
}

/**
 * A version that would replace (or win over) what an address holds without
 * the right: another content type, a lower authority, or fewer readers
 * (issue 10 finding 4: per-address authority).
 */
export class ReplaceNotAllowedError extends SlurpError {
  override readonly code = 'ERR_REPLACE_NOT_ALLOWED'
}

/**
 * A concurrent version let go by a sibling-set bound: its author already has
 * a winning open version there, or the set is full (issue 10 finding 3).
 */
export class SiblingLimitError extends SlurpError {
  override readonly code = 'ERR_SIBLING_LIMIT'
}

/** A request only the network's certified relays may make (anti-entropy, replication), from a peer that is not one. */
export class NotARelayError extends SlurpError {
  override readonly code = 'ERR_NOT_A_RELAY'
}

/** A passphrase-sealed invite opened without its passphrase, or with a wrong one. */
export class InvitePassphraseError extends SlurpError {
  override readonly code = 'ERR_INVITE_PASSPHRASE'
}

/** A request refused for now: `retryAfterMs` says when the same request would be taken. */
export class RetryLaterError extends SlurpError {
  constructor (message: string, readonly retryAfterMs: number, options?: ErrorOptions) {
    super(message, options)
  }
}

/**
 * A write refused because its author (the member its certificate names) used
 * up the policy's quota at this relay (issue 10 finding 9).
 */
export class QuotaExceededError extends RetryLaterError {
  override readonly code = 'ERR_QUOTA_EXCEEDED'
}

/** A write refused because the relay's disk is nearly full: it stops taking records before its store fails (issue 10 finding 9). */
export class StorageFullError extends SlurpError {
  override readonly code = 'ERR_STORAGE_FULL'
}

/** A client over the gateway's request rate (issue 10 finding 9). */
export class RateLimitedError extends RetryLaterError {
  override readonly code = 'ERR_RATE_LIMITED'
}

/**
 * Shamir escrow of a role identity or the network root key (`slurp escrow`).
 * Shamir's scheme rebuilds a wrong key, silently, from too few or damaged
 * shares, so every combine is verified and each way it can fail is named.
 */
export class EscrowError extends SlurpError {
  override readonly code: string = 'ERR_ESCROW'
}

/** A share document that is not a well-formed `slurp-escrow-share/1` share. */
export class InvalidShareError extends EscrowError {
  override readonly code = 'ERR_INVALID_SHARE'
}

/** Shares that do not belong to one split: another network, subject, key or threshold, or a repeated index. */
export class MismatchedSharesError extends EscrowError {
  override readonly code = 'ERR_MISMATCHED_SHARES'
}

/** Fewer shares than the split's threshold. */
export class NotEnoughSharesError extends EscrowError {
  override readonly code = 'ERR_NOT_ENOUGH_SHARES'
}

/** Shares that combine to a key other than the network root or the role key the verified policy names. */
export class EscrowVerificationError extends EscrowError {
  override readonly code = 'ERR_ESCROW_VERIFICATION'
}

/**
 * Lines of a file (`slurp import`'s JSONL) that are not what they must be;
 * `lines` names each by its number (from 1) and what is wrong with it.
 */
export class InvalidLinesError extends InvalidRecordError {
  override readonly code = 'ERR_INVALID_LINES'

  constructor (message: string, readonly lines: ReadonlyArray<{ readonly line: number, readonly error: SlurpError }>, options?: ErrorOptions) {
    super(message, options)
  }
}

/** A bulk operation (import, export) that ended with items failed; its summary names each one. */
export class IncompleteBatchError extends SlurpError {
  override readonly code = 'ERR_INCOMPLETE_BATCH'
}

/** Backups of what relays hold (`slurp backup`, relay/backup/). */
export class BackupError extends SlurpError {
  override readonly code: string = 'ERR_BACKUP'
}

/** A folder that is not a slurp backup, one of another network, or a snapshot file that does not parse. */
export class InvalidBackupError extends BackupError {
  override readonly code = 'ERR_INVALID_BACKUP'
}

/**
 * A backup that does not hold what it says: a blob missing or not matching
 * its SHA-256, a snapshot whose signature or manifest does not verify, a
 * record whose signature fails. `problems` names each one found.
 */
export class BackupIntegrityError extends BackupError {
  override readonly code = 'ERR_BACKUP_INTEGRITY'

  constructor (message: string, readonly problems: readonly string[], options?: ErrorOptions) {
    super(message, options)
  }
}

/** Another backup or forget is writing to the same backup folder (its lock file names it). */
export class BackupLockedError extends BackupError {
  override readonly code = 'ERR_BACKUP_LOCKED'
}

/** A restore into a relay store that already holds records, without being told to merge. */
export class RestoreTargetNotEmptyError extends BackupError {
  override readonly code = 'ERR_RESTORE_TARGET_NOT_EMPTY'
}

/**
 * An audit log answer that does not prove what it claims (issue 14 §2): a
 * checkpoint whose signature does not verify, entries that do not hash to the
 * signed root, a proof that does not lead to it.
 */
export class AuditVerificationError extends SlurpError {
  override readonly code: string = 'ERR_AUDIT_VERIFICATION'
}

/**
 * A relay showed two histories: two checkpoints it signed that cannot both
 * be true (the same size with different roots, or a later one it cannot prove
 * extends the earlier). `held` and `offered` are the two signed checkpoints,
 * the evidence anyone can check.
 */
export class SplitViewError extends AuditVerificationError {
  override readonly code = 'ERR_SPLIT_VIEW'
  constructor (message: string, readonly held: unknown, readonly offered: unknown, options?: ErrorOptions) {
    super(message, options)
  }
}

/** A proposal sent to a voter that is not the leader: `leader` is the voter it believes leads, if any (src/raft). */
export class NotLeaderError extends SlurpError {
  override readonly code = 'ERR_NOT_LEADER'
  constructor (message: string, readonly leader: string | undefined, options?: ErrorOptions) {
    super(message, options)
  }
}

/**
 * The leader lost its term before a proposal committed: it may still commit
 * under the next leader or be dropped. Retry with the same request id, which
 * the queue deduplicates (src/raft).
 */
export class LeadershipLostError extends SlurpError {
  override readonly code = 'ERR_LEADERSHIP_LOST'
}

/** A Raft message that does not decode or is malformed (src/raft). */
export class InvalidRaftMessageError extends SlurpError {
  override readonly code = 'ERR_INVALID_RAFT_MESSAGE'
}

/** A generation-queue command that is malformed: it never enters the log (src/raft). */
export class InvalidQueueCommandError extends SlurpError {
  override readonly code = 'ERR_INVALID_QUEUE_COMMAND'
}

/** A write for a request from a term lower than one already accepted for it: a deposed leader's late result (fencing). */
export class FencedError extends SlurpError {
  override readonly code = 'ERR_FENCED'
}

// ---- Issue 13: coordinators on libp2p (src/coordinator) ----

/**
 * No voter this node asked knows a leader (an election is under way, or a
 * majority is unreachable): retry the same request id after `retryAfterMs`.
 */
export class NoLeaderError extends RetryLaterError {
  override readonly code = 'ERR_NO_LEADER'
}

/** A coordinator refused a request with a code this client has no class for; `remoteCode` is that code. */
export class CoordinatorRefusedError extends SlurpError {
  override readonly code = 'ERR_COORDINATOR_REFUSED'
  constructor (message: string, readonly remoteCode: string, options?: ErrorOptions) {
    super(message, options)
  }
}

// Context generation requests (issue 13): refused before they enter the queue.

/** A source over the size a generation request may carry. */
export class SourceTooLargeError extends SlurpError {
  override readonly code = 'ERR_SOURCE_TOO_LARGE'
}

/** A source that is not text (NUL bytes, not UTF-8): nothing to generate context from. */
export class BinarySourceError extends SlurpError {
  override readonly code = 'ERR_BINARY_SOURCE'
}

/** The leader gave up on a generation request; the message is its reason. */
export class GenerationFailedError extends SlurpError {
  override readonly code = 'ERR_GENERATION_FAILED'
}

// Context generators (issue 13 §3, src/generate). They refuse sources with
// SourceTooLargeError and BinarySourceError, declared above.

/** A generator set up without what it needs (the LLM generator without an endpoint URL or a model). */
export class GeneratorConfigError extends SlurpError {
  override readonly code = 'ERR_GENERATOR_CONFIG'
}

/** An LLM endpoint that failed: unreachable, an HTTP error, a timeout. The LLM generator falls back to the static draft and reports it. */
export class LlmEndpointError extends SlurpError {
  override readonly code: string = 'ERR_LLM_ENDPOINT'
}

/** An LLM answer that is not the JSON object asked for (wrong fields, types or lengths); treated as an endpoint failure. */
export class InvalidLlmAnswerError extends LlmEndpointError {
  override readonly code = 'ERR_INVALID_LLM_ANSWER'
}
