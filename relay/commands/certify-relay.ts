import { peerIdFromString } from '@libp2p/peer-id'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { UsageError } from '../../src/errors.ts'
import { DEFAULT_RELAY_CERTIFICATE_DAYS, encodeRelayCertificate, issueRelayCertificate } from '../../src/trust/relay-certificate.ts'
import { DIR_OPTION, dirFrom } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'

export const certifyRelay: Command = {
  name: 'certify-relay',
  summary: 'certify a relay run by someone else (needs the root key): prints its certificate',
  usage: 'slurp certify-relay PEER_ID [--days 365] [--dir .slurp]',
  details: [
    'Prints a base64url relay certificate for the relay with PEER_ID (the relay prints its peer id',
    'when it starts without one). Give it to the relay as --certificate FILE. Only certified relays',
    'hold records, acknowledge writes, take part in anti-entropy and are listed at /v1/bootstrap.',
    'A relay whose network directory holds the root key certifies itself: no step needed.'
  ].join('\n'),
  options: { ...DIR_OPTION, days: { type: 'string' } },
  allowPositionals: true,
  async run (args, io) {
    const [id, ...extra] = args.positionals
    if (id === undefined || extra.length > 0) throw new UsageError('give exactly one relay peer id')
    let peer
    try {
      peer = peerIdFromString(id)
    } catch (error) {
      throw new UsageError(`"${id}" is not a peer id: ${(error as Error).message}`)
    }
    const days = Number((args.values.days as string | undefined) ?? DEFAULT_RELAY_CERTIFICATE_DAYS)
    if (!Number.isFinite(days) || days <= 0) throw new UsageError('--days must be a positive number')
    const root = await new NetworkDir(dirFrom(args, io)).readRootKey()
    const certificate = await issueRelayCertificate(root, { relay: peer.toMultihash().bytes, notBefore: Date.now() - 60_000, notAfter: Date.now() + days * 86_400_000 })
    io.stdout(`${toBase64url(encodeRelayCertificate(certificate))}\n`)
  }
}
