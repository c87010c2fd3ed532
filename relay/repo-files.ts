import { execFile } from 'node:child_process'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { promisify } from 'node:util'
import ignore from 'ignore'
import type { Ignore } from 'ignore'

const run = promisify(execFile)

export interface RepoFile {
  /** Relative to the indexed folder, with forward slashes. */
  readonly path: string
  readonly size: number
}

/** What an index walks past without reading: version control and dependency folders. */
const ALWAYS_SKIPPED = new Set(['.git', 'node_modules', '.slurp'])

/**
 * The files of `root` worth indexing: those git tracks when `root` is inside a
 * git work tree (a fresh clone's view), else every file not ignored by the
 * .gitignore files on the way down. Sorted, so runs agree.
 */
export async function repoFiles (root: string, options: { signal?: AbortSignal } = {}): Promise<{ files: RepoFile[], source: 'git' | 'walk' }> {
  const tracked = await gitFiles(root, options.signal)
  if (tracked !== undefined) {
    const files: RepoFile[] = []
    for (const path of tracked) {
      const info = await stat(join(root, path)).catch(() => undefined)
      // Deleted in the work tree but still in the index, or a submodule: nothing to read.
      if (info?.isFile() === true) files.push({ path, size: info.size })
    }
    return { files, source: 'git' }
  }
  const files: RepoFile[] = []
  await walk(root, root, [], files, options.signal)
  return { files: files.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0), source: 'walk' }
}

async function gitFiles (root: string, signal?: AbortSignal): Promise<string[] | undefined> {
  try {
    const { stdout } = await run('git', ['-C', root, 'ls-files', '-z', '--cached', '--', '.'], { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', ...(signal === undefined ? {} : { signal }) })
    const paths = stdout.split('\0').filter(path => path !== '').sort()
    // A folder of a work tree that git does not track yet is walked instead.
    return paths.length === 0 ? undefined : paths
  } catch (error) {
    if (signal?.aborted === true) throw error
    // Not a work tree, or no git on this machine.
    return undefined
  }
}

interface Rules { readonly base: string, readonly rules: Ignore }

async function walk (root: string, folder: string, inherited: readonly Rules[], out: RepoFile[], signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted()
  const rules = [...inherited]
  const gitignore = await readFile(join(folder, '.gitignore'), 'utf8').catch(() => undefined)
  if (gitignore !== undefined) rules.push({ base: folder, rules: ignore().add(gitignore) })
  const entries = await readdir(folder, { withFileTypes: true })
  for (const entry of entries) {
    if (ALWAYS_SKIPPED.has(entry.name)) continue
    const full = join(folder, entry.name)
    const isDir = entry.isDirectory()
    if (!isDir && !entry.isFile()) continue
    if (rules.some(rule => rule.rules.ignores(posix(relative(rule.base, full)) + (isDir ? '/' : '')))) continue
    if (isDir) {
      await walk(root, full, rules, out, signal)
    } else {
      out.push({ path: posix(relative(root, full)), size: (await stat(full)).size })
    }
  }
}

function posix (path: string): string {
  return sep === '/' ? path : path.split(sep).join('/')
}
