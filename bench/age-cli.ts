import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'

/** Debian's age binary; the bench compares against it only where it is installed. */
export const AGE_BINARY = '/usr/bin/age'

export function hasAgeBinary (): boolean {
  return existsSync(AGE_BINARY)
}

export async function ageVersion (): Promise<string> {
  return (await run(['--version'], new Uint8Array())).toString().trim()
}

/** `age -r … -r …` over stdin: one process per call, so spawn cost is part of every sample. */
export async function ageEncrypt (recipients: readonly string[], plaintext: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await run(recipients.flatMap(recipient => ['-r', recipient]), plaintext))
}

async function run (args: string[], input: Uint8Array): Promise<Buffer> {
  return await new Promise((resolve, reject) => {
    const child = execFile(AGE_BINARY, args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`age ${args.join(' ')} failed: ${stderr.toString()}`, { cause: error }))
      else resolve(stdout)
    })
    child.stdin?.end(input)
  })
}
