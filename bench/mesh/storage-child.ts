// First: libp2p needs Promise.withResolvers, which Node 20 lacks.
import '../../src/runtime/node-shim.ts'
import { createMeshNetwork } from './network.ts'
import type { RoundBudget } from './rounds.ts'
import { meshStorage } from './storage.ts'

/**
 * The storage scenario as a process of its own (started by runStorageChild):
 * its RSS is then the relay's, the reading peer's and this loop's, not what
 * twenty relays before it left behind. Prints the result as JSON on stdout.
 */
const { records, budget } = JSON.parse(process.argv[2] ?? '') as { records: number, budget: RoundBudget }
const result = await meshStorage(await createMeshNetwork(), records, budget)
process.stdout.write(JSON.stringify(result))
