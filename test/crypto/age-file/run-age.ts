import { execFile } from 'node:child_process'

/**
 * Debian's `age` with stdin, returning stdout bytes. Unlike test/helpers' runAge,
 * it ignores EPIPE on stdin: age stops reading a large file as soon as it knows
 * no identity matches, and that refusal is what some tests want to see.
 */
export async function runAge (args: string[], input: Uint8Array): Promise<Uint8Array> {
  return await new Promise((resolve, reject) => {
    const child = execFile('age', args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`age ${args.join(' ')} failed: ${stderr.toString()}`, { cause: error }))
      else resolve(new Uint8Array(stdout))
    })
    child.stdin?.on('error', () => {})
    child.stdin?.end(input)
  })
}
