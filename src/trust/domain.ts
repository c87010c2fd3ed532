/**
 * Each kind of signed object is signed under its own label, so a signature made
 * for one (say a certificate) can never be replayed as another (a record).
 */
export type SignatureDomain = 'policy' | 'certificate' | 'record' | 'relay-certificate' | 'audit-checkpoint' | 'audit-cosignature' | 'backup' | 'generation-request'

const encoder = new TextEncoder()
const prefixes: Record<SignatureDomain, Uint8Array> = {
  policy: encoder.encode('slurp/policy/v1\n'),
  certificate: encoder.encode('slurp/certificate/v1\n'),
  record: encoder.encode('slurp/record/v1\n'),
  'relay-certificate': encoder.encode('slurp/relay-certificate/v1\n'),
  // Signed with a relay's libp2p key: its own audit checkpoint, and a witness relay's countersignature of another's.
  'audit-checkpoint': encoder.encode('slurp/audit-checkpoint/v1\n'),
  'audit-cosignature': encoder.encode('slurp/audit-cosignature/v1\n'),
  // Backup snapshots (relay/backup) and the proofs that ask a relay for what it holds.
  backup: encoder.encode('slurp/backup/v1\n'),
  // A member's request to the elected leader to generate context (issue 13).
  'generation-request': encoder.encode('slurp/generation-request/v1\n')
}

export function signedPayload (domain: SignatureDomain, body: Uint8Array): Uint8Array {
  const prefix = prefixes[domain]
  const out = new Uint8Array(prefix.length + body.length)
  out.set(prefix)
  out.set(body, prefix.length)
  return out
}
