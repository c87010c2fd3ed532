import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { BackupLockedError, InvalidBackupError, NotFoundError } from '../../src/errors.ts'
import { writeFileAtomic } from '../key-files.ts'
import { isAlive } from '../relay-registry.ts'
import { BlobStore } from './blob-store.ts'
import { parseSnapshotFile } from './snapshot.ts'
import type { SnapshotFile } from './snapshot.ts'

/**
 * A backup folder:
 *
 *   backup.json           { format, network (root public key), createdAt }
 *   blobs/ab/abcdef…      record versions (encoded envelopes, as relays hold
 *                         them) and policies, named by the SHA-256 of their bytes
 *   snapshots/<id>.json   one per backup: signed header + encrypted manifest
 *   lock                  while a create or forget writes (names its process)
 */
export const BACKUP_FORMAT = 'slurp-backup/1'

interface BackupFile {
  format: typeof BACKUP_FORMAT
  network: string
  createdAt: string
}

export class BackupRepository {
  readonly blobs: BlobStore

  private constructor (readonly path: string, readonly network: string) {
    this.blobs = new BlobStore(join(path, 'blobs'))
  }

  /** Opens the backup folder at `path`, making it if needed; one folder holds one network's backups. */
  static async create (path: string, network: string): Promise<BackupRepository> {
    let file: BackupFile | undefined
    try {
      file = await readBackupFile(path)
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error
    }
    if (file === undefined) {
      await mkdir(join(path, 'snapshots'), { recursive: true, mode: 0o700 })
      await mkdir(join(path, 'blobs'), { recursive: true, mode: 0o700 })
      await writeFileAtomic(join(path, 'backup.json'), `${JSON.stringify({ format: BACKUP_FORMAT, network, createdAt: new Date().toISOString() }, null, 2)}\n`)
      return new BackupRepository(path, network)
    }
    if (file.network !== network) throw new InvalidBackupError(`${path} holds backups of another network (${file.network}); use another --dest`)
    return new BackupRepository(path, network)
  }

  static async open (path: string): Promise<BackupRepository> {
    const file = await readBackupFile(path)
    return new BackupRepository(path, file.network)
  }

  /** Every snapshot, oldest first. */
  async snapshots (): Promise<SnapshotFile[]> {
    let names: string[]
    try {
      names = await readdir(join(this.path, 'snapshots'))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    const files: SnapshotFile[] = []
    for (const name of names.filter(n => n.endsWith('.json'))) {
      const where = join(this.path, 'snapshots', name)
      const file = parseSnapshotFile(await readFile(where, 'utf8'), where)
      if (`${file.id}.json` !== name) throw new InvalidBackupError(`${where} holds snapshot ${file.id}: a snapshot file is named by its id`)
      files.push(file)
    }
    return files.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1))
  }

  /** One snapshot by id, a unique prefix of one, or "latest". */
  async snapshot (wanted = 'latest'): Promise<SnapshotFile> {
    const all = await this.snapshots()
    if (all.length === 0) throw new NotFoundError(`${this.path} holds no snapshots`)
    if (wanted === 'latest') return all[all.length - 1] as SnapshotFile
    const matches = all.filter(file => file.id.startsWith(wanted))
    if (matches.length === 0) throw new NotFoundError(`no snapshot ${wanted} in ${this.path}`)
    if (matches.length > 1) throw new NotFoundError(`"${wanted}" names ${matches.length} snapshots: give more of the id`)
    return matches[0] as SnapshotFile
  }

  async writeSnapshot (file: SnapshotFile): Promise<void> {
    await writeFileAtomic(join(this.path, 'snapshots', `${file.id}.json`), `${JSON.stringify(file, null, 2)}\n`, 0o600)
  }

  async removeSnapshot (id: string): Promise<void> {
    await rm(join(this.path, 'snapshots', `${id}.json`), { force: true })
  }

  /**
   * Takes the folder's lock for a create or forget: two at once could prune
   * a blob the other just relied on. A lock left by a process of this host
   * that is gone is taken over; any other stays until its owner removes it.
   */
  async lock (purpose: string): Promise<() => Promise<void>> {
    const path = join(this.path, 'lock')
    const holder = { pid: process.pid, host: hostname(), purpose, since: new Date().toISOString() }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(path, `${JSON.stringify(holder)}\n`, { flag: 'wx', mode: 0o600 })
        return async () => { await rm(path, { force: true }) }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const held = await readFile(path, 'utf8').then(text => JSON.parse(text) as typeof holder, () => undefined)
      if (held !== undefined && held.host === holder.host && !isAlive(held.pid)) {
        await rm(path, { force: true })
        continue
      }
      const who = held === undefined ? 'an unreadable lock file' : `${held.purpose} by process ${held.pid} on ${held.host} since ${held.since}`
      throw new BackupLockedError(`${this.path} is locked (${who}); if no backup is running, remove ${path}`)
    }
    throw new BackupLockedError(`${this.path} is locked; if no backup is running, remove ${path}`)
  }
}

async function readBackupFile (path: string): Promise<BackupFile> {
  let text: string
  try {
    text = await readFile(join(path, 'backup.json'), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`${path} is not a slurp backup folder (no backup.json)`)
    throw error
  }
  let file: unknown
  try {
    file = JSON.parse(text)
  } catch (cause) {
    throw new InvalidBackupError(`${join(path, 'backup.json')} is not JSON`, { cause })
  }
  const { format, network } = (file ?? {}) as Partial<BackupFile>
  if (format !== BACKUP_FORMAT || typeof network !== 'string') throw new InvalidBackupError(`${join(path, 'backup.json')} is not a ${BACKUP_FORMAT} file`)
  return file as BackupFile
}
