/**
 * slurp's public API. Everything not exported here is internal and may change.
 * This entry uses Web APIs only; runtime entries (index.node.ts,
 * index.browser.ts) add what their runtime can do.
 */
export * from './errors.ts'

export { DHT_KEY_PREFIX, MAX_ADDRESS_LENGTH, dhtKey, formatAddress, isAddress, normaliseAddress, parentAddress, parseAddress } from './address/index.ts'
export type { AddressFields, UcxlAddress } from './address/index.ts'

export { AUTHORITY_LEVELS, CONTENT_TYPES, DEFAULT_ROLES, DEFAULT_WRITE_RULES, compareAuthority, mayWrite, readableBy, readersOf } from './roles/index.ts'
export type { AuthorityLevel, ContentType, RoleDefinition, RoleTable, WriteRules } from './roles/index.ts'

export {
  certifyWithRoot, decodeCertificate, decodeRelayCertificate, encodeCertificate, encodeRelayCertificate, generateSigningKey, issueCertificate,
  issueRelayCertificate, parsePolicy, seedFromPem, seedToPem, signPolicy, signingKeyFromSeed, verifyCertificate, verifyPolicy,
  verifyRelayCertificate, verifySignature
} from './trust/index.ts'
export type { CertificateRequest, MembershipCertificate, Policy, PolicyDraft, PolicyRole, RelayCertificate, SignedPolicy, SigningKey } from './trust/index.ts'

export { RoleKeyring, decrypt, decryptWithKeyring, encryptForRole, encryptToRecipients, generateRoleKey, keyFingerprint, recipientOf } from './crypto/index.ts'
export type { Decrypted, EncryptOptions, RoleKeyPair } from './crypto/index.ts'

export { compare as compareClocks, dominates, increment as incrementClock, merge as mergeClocks } from './clock/index.ts'
export type { ClockOrder, VectorClock } from './clock/index.ts'

export {
  MAX_SIBLING_SET_BYTES, createContextRecord, decodeEnvelope, decodeSiblings, encodeEnvelope, encodeSiblings, mergeVersion, openContextRecord,
  parseContextItem, recordKey, selectWinner, suggestionKey, validateRecord
} from './record/index.ts'
export type { Author, ContextDraft, ContextItem, MergeOutcome, MergeResult, RecordEnvelope, RecordOrigin, ValidationContext } from './record/index.ts'

export { createCachedStore, createIdbStore, createMemoryStore } from './store/index.ts'
export type { BatchOperation, CacheStats, CachedStore, KVStore, ListOptions, StoreOptions } from './store/index.ts'

export { INVITE_FORMAT, createInvite, formatInvite, inviteToFragment, openInvite, parseInvite, withIdentity, withPolicy, withoutRole } from './invite/invite.ts'
export type { CreateInviteOptions, InviteFile, OpenedInvite } from './invite/invite.ts'
export { GENERATED_PASSPHRASE_WORK_FACTOR, generateInvitePassphrase, isSealedInvite, sealInvite, unsealInvite } from './invite/sealed.ts'
export { membershipChange, memberOf } from './vault/membership-change.ts'
export type { MembershipChange } from './vault/membership-change.ts'
export { KeyVault } from './vault/key-vault.ts'
export type { KeyVaultOptions, VaultSummary } from './vault/key-vault.ts'
export { formatIdentityFile, parseIdentityFile } from './crypto/identity-file.ts'
export { SlurpPeer, createPeer } from './peer.ts'
export type { Conflict, GetOptions, GetResult, Health, PeerInit, PutOptions, PutResult, RecordMeta, ReplicationStatus, SearchQuery, Suggestion, UpdateDetail } from './peer.ts'
export { transportOf } from './net/direct-peers.ts'
export type { PeerLink } from './net/direct-peers.ts'
export type { KeysChangedDetail, ReaderKeyStatus } from './peer/peer-keys.ts'
export type { PutManyItem, PutManyOptions, PutManyProgress, PutManyResult } from './peer/put-many.ts'
export type { GetManyOptions, GetManyResult } from './peer/get-many.ts'
export type { BatchFailure, BatchOptions, BatchProgress } from './peer/batch.ts'
export { memberIdentity, memberRecipient } from './crypto/member-recipient.ts'
export { adminKeyOf } from './keys/admin-key.ts'
export { nextPolicy } from './keys/next-policy.ts'
export type { NextPolicyInput } from './keys/next-policy.ts'
export { unlockPolicyKeys } from './keys/unlock.ts'
export { PolicyBook } from './trust/policy-book.ts'
export type { ReaderKey, Revocation } from './trust/policy-keys.ts'
export { combineShares, openShare, parseShare, recoverKey, sealShare, splitRoleKey, splitRootKey } from './escrow/index.ts'
export type { EscrowShare, RecoveredKey } from './escrow/index.ts'
export { DEFAULT_DEPTH, MAX_DEPTH, levelsOf, resolveLevels, withoutInherited } from './resolve/index.ts'
export type { LevelStatus, Resolution, ResolvedItem, ResolvedLevel, ResolveOptions, Sourced } from './resolve/index.ts'
export { DIRECTORY_SHARDS, directoryAddress, isReservedAddress } from './directory/layout.ts'
export type { DirectoryEntry, ListOptions as DirectoryListOptions, Listing } from './directory/directory.ts'
export { DECISION_LINKS, DECISION_STATUSES, parseDecisionFields } from './decisions/decision-fields.ts'
export type { DecisionDraft, DecisionFields, DecisionLink, DecisionLinkType, DecisionStatus } from './decisions/decision-fields.ts'
export { decisionsFor } from './decisions/graph.ts'
export type { ChainStep, DecisionHit, DecisionNode, DecisionQuery, FollowedLink } from './decisions/graph.ts'
export type { DecisionsForOptions, RecordDecisionOptions, RecordedDecision } from './decisions/decisions.ts'
// For programs that cannot run libp2p: a relay's HTTP gateway (records stay signed and encrypted end to end).
export { getRecordsViaGateway, putRecordViaGateway } from './gateway/client.ts'
export type { GatewayOptions, GatewayPutResult } from './gateway/client.ts'
export { SearchIndex } from './search/search-index.ts'
export type { Facets, FindHit, FindPage, FindQuery } from './search/search-index.ts'
export type { FindResults, FoundItem } from './search/cache-search.ts'
export type { Snippet, SnippetPart } from './search/snippet.ts'
export type { FollowOptions, FollowReport } from './search/follow.ts'
export type { HistoryEntry } from './peer/history.ts'
export { Outbox } from './outbox/outbox.ts'
export type { OutboxSend, QueuedWrite } from './outbox/outbox.ts'
