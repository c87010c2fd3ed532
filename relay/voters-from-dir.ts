import { voterPeerId } from '../src/coordinator/voter-identity.ts'
import { createCoordinatorClient } from '../src/coordinator/client.ts'
import type { CoordinatorClient } from '../src/coordinator/client.ts'
import { fromBase64url } from '../src/encoding/base64url.ts'
import { UsageError } from '../src/errors.ts'
import type { SlurpPeer } from '../src/peer.ts'
import type { CommandIO, OptionSpec, ParsedArgs } from './command.ts'
import type { NetworkDir } from './network-dir.ts'
import { listFrom } from './options.ts'
import { localCoordinators } from './relay-registry.ts'

export const VOTER_OPTIONS: OptionSpec = {
  voter: { type: 'string', multiple: true }
}

export const VOTER_HELP = 'Voters: --voter MULTIADDR/p2p/ID (or SLURP_VOTERS), and the coordinators running from --dir.'

/**
 * A client of the policy's voters, reached at the addresses given with
 * --voter and those of coordinators running from the same directory; a voter
 * with neither is still asked by peer id (the node may know its address).
 */
export async function votersClient (dir: NetworkDir, peer: SlurpPeer, args: ParsedArgs, io: CommandIO): Promise<CoordinatorClient> {
  const generation = peer.policy.generation ?? (await dir.readPolicy()).generation
  if (generation === undefined) throw new UsageError('the policy names no generation voters: an admin sets them with "slurp voters set"')
  const voters = generation.voters.map(key => voterPeerId(fromBase64url(key)).toString())
  const addresses = [...listFrom(args, io, 'voter', 'SLURP_VOTERS', []), ...(await localCoordinators(dir.path)).flatMap(entry => entry.multiaddrs)]
    .filter(address => voters.some(id => address.endsWith(`/p2p/${id}`)))
  const reached = new Set(addresses.map(address => address.slice(address.lastIndexOf('/p2p/') + 5)))
  return createCoordinatorClient({ libp2p: peer.libp2p, voters: [...addresses, ...voters.filter(id => !reached.has(id))] })
}
