import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Which code the mesh figures are of: the commit, and the files under src/
 * and relay/ that differ from it (the suite runs them from source, as they
 * are on disk). Read-only: no optional locks, so git writes nothing.
 */
export async function sourceState (): Promise<string> {
  try {
    const commit = (await git(['rev-parse', '--short', 'HEAD'])).trim()
    const changed = (await git(['status', '--porcelain', '--', 'src', 'relay'])).split('\n').filter(line => line.trim() !== '').map(line => line.slice(3))
    return changed.length === 0 ? `commit ${commit}` : `commit ${commit} + uncommitted changes to ${changed.join(', ')}`
  } catch {
    return 'unknown (no git)'
  }
}

async function git (args: string[]): Promise<string> {
  return await new Promise((resolve, reject) => {
    execFile('git', ['--no-optional-locks', ...args], { cwd: REPOSITORY }, (error, stdout) => {
      if (error !== null) reject(error)
      else resolve(stdout)
    })
  })
}
