import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The core runs in browsers: runtime-specific modules belong only in adapter
// files picked by package.json conditions (*.node.ts) or in the Node shim.
const src = fileURLToPath(new URL('../../src', import.meta.url))

async function sources (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...await sources(path))
    else if (entry.name.endsWith('.ts')) out.push(path)
  }
  return out
}

describe('core uses Web APIs only', () => {
  it('no node:, fs, Buffer or process outside *.node.ts and the runtime shim', async () => {
    const offenders: string[] = []
    for (const file of await sources(src)) {
      if (file.endsWith('.node.ts') || file.includes(`${join('src', 'runtime')}`)) continue
      const text = await readFile(file, 'utf8')
      if (/from ['"](node:|fs|path|os|crypto|child_process)['"/]/.test(text) || /\b(Buffer|process)\./.test(text) || /typeof Deno/.test(text)) {
        offenders.push(file)
      }
    }
    expect(offenders).toEqual([])
  })
})
