import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { readText, writeFileAtomic } from './key-files.ts'

/**
 * Relays started with a network directory note their addresses in
 * DIR/relays/<peer id>.json while they run, so CLI peers on the same machine
 * find them without --bootstrap. Removed again on a clean stop.
 */
export interface RelayEntry {
  peerId: string
  multiaddrs: string[]
  http?: string
  pid: number
  startedAt: string
}

export async function registerRelay (dir: string, entry: RelayEntry): Promise<() => Promise<void>> {
  return await registerProcess(dir, 'relays', entry)
}

/** Entries of relays whose process is still alive. */
export async function localRelays (dir: string): Promise<RelayEntry[]> {
  return await localProcesses(dir, 'relays')
}

/** The same for coordinators (slurp coordinator), in DIR/coordinators/. */
export async function registerCoordinator (dir: string, entry: RelayEntry): Promise<() => Promise<void>> {
  return await registerProcess(dir, 'coordinators', entry)
}

export async function localCoordinators (dir: string): Promise<RelayEntry[]> {
  return await localProcesses(dir, 'coordinators')
}

async function registerProcess (dir: string, kind: string, entry: RelayEntry): Promise<() => Promise<void>> {
  const folder = join(dir, kind)
  await mkdir(folder, { recursive: true })
  const file = join(folder, `${entry.peerId}.json`)
  await writeFileAtomic(file, `${JSON.stringify(entry, null, 2)}\n`)
  return async () => { await rm(file, { force: true }) }
}

async function localProcesses (dir: string, kind: string): Promise<RelayEntry[]> {
  let names: string[]
  try {
    names = await readdir(join(dir, kind))
  } catch {
    return []
  }
  const entries: RelayEntry[] = []
  for (const name of names.filter(n => n.endsWith('.json'))) {
    try {
      const entry = JSON.parse(await readText(join(dir, kind, name), `${kind} entry`)) as RelayEntry
      if (isAlive(entry.pid)) entries.push(entry)
    } catch {
      // A half-written or foreign file is not a relay.
    }
  }
  return entries
}

/** Whether a process of this host with `pid` runs (EPERM: it does, as another user). */
export function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
