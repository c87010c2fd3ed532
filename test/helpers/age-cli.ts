import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Runs Debian's `age` binary with stdin, returning stdout bytes. */
export async function runAge (args: string[], input: Uint8Array): Promise<Uint8Array> {
  return await new Promise((resolve, reject) => {
    const child = execFile('age', args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`age ${args.join(' ')} failed: ${stderr.toString()}`, { cause: error }))
      else resolve(new Uint8Array(stdout))
    })
    child.stdin?.end(input)
  })
}

/** A temp dir holding identity files, removed by `cleanup`. */
export async function identityFiles (identities: Record<string, string>): Promise<{ path (role: string): string, cleanup (): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'slurp-age-'))
  for (const [role, identity] of Object.entries(identities)) {
    await writeFile(join(dir, `${role}.age`), `${identity}\n`, { mode: 0o600 })
  }
  return { path: role => join(dir, `${role}.age`), cleanup: async () => { await rm(dir, { recursive: true, force: true }) } }
}
