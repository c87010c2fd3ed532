import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Section } from '../section.ts'
import type { RoundBudget } from './rounds.ts'
import type { StorageFacts } from './storage.ts'

const CHILD = fileURLToPath(new URL('./storage-child.ts', import.meta.url))
const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url))

/** Runs storage-child.ts with this process's Node flags (conditions, tsx); its progress goes to our stderr. */
export async function runStorageChild (records: number, budget: RoundBudget): Promise<{ section: Section, facts: StorageFacts }> {
  const child = spawn(process.execPath, [...process.execArgv, CHILD, JSON.stringify({ records, budget })], {
    cwd: REPOSITORY,
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const chunks: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => { chunks.push(chunk) })
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  if (code !== 0) throw new Error(`the storage scenario exited with code ${String(code)}`)
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as { section: Section, facts: StorageFacts }
}
