import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BackupIntegrityError } from '../../src/errors.ts'

/** A blob's name: the SHA-256 of its bytes, lower-case hex. */
export function blobHash (bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

const HASH = /^[0-9a-f]{64}$/

export function isBlobHash (text: string): boolean {
  return HASH.test(text)
}

/**
 * Content-addressed blobs in a folder, blobs/ab/abcdef… (the first two hex
 * digits as a folder, as git and restic do, so no folder grows past a few
 * thousand entries). A blob is written once, under a temporary name then
 * renamed, so a crash never leaves a half blob under a real name; what is
 * already there is never written again (incremental backups).
 */
export class BlobStore {
  constructor (readonly root: string) {}

  path (hash: string): string {
    return join(this.root, hash.slice(0, 2), hash)
  }

  async has (hash: string): Promise<boolean> {
    return await stat(this.path(hash)).then(() => true, () => false)
  }

  /** Writes `bytes` unless a blob of that hash is held; `written` says which. */
  async put (bytes: Uint8Array): Promise<{ hash: string, written: boolean }> {
    const hash = blobHash(bytes)
    if (await this.has(hash)) return { hash, written: false }
    const path = this.path(hash)
    await mkdir(join(this.root, hash.slice(0, 2)), { recursive: true })
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
    await writeFile(temporary, bytes)
    await rename(temporary, path)
    return { hash, written: true }
  }

  /** The blob's bytes as stored (undefined when absent); the caller checks them against the hash. */
  async read (hash: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(hash)))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }

  /** The blob's bytes, checked against its name: a missing or altered blob throws BackupIntegrityError. */
  async readVerified (hash: string): Promise<Uint8Array> {
    const bytes = await this.read(hash)
    if (bytes === undefined) throw new BackupIntegrityError(`blob ${hash} is missing`, [`blob ${hash} is missing`])
    if (blobHash(bytes) !== hash) throw new BackupIntegrityError(`blob ${hash} does not match its SHA-256`, [`blob ${hash} does not match its SHA-256 (altered or damaged)`])
    return bytes
  }

  async size (hash: string): Promise<number> {
    return (await stat(this.path(hash))).size
  }

  async remove (hash: string): Promise<void> {
    await rm(this.path(hash), { force: true })
  }

  /** Every file under the blob folders: blob names, and leftovers (temporary files of a crashed write). */
  async * files (): AsyncIterable<{ name: string, path: string }> {
    let folders: string[]
    try {
      folders = (await readdir(this.root)).sort()
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    for (const folder of folders) {
      const names = await readdir(join(this.root, folder)).catch(() => [] as string[])
      for (const name of names.sort()) yield { name, path: join(this.root, folder, name) }
    }
  }
}
