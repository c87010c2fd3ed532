import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { repoFiles } from '../../relay/repo-files.ts'

let root: string | undefined
afterEach(async () => { if (root !== undefined) await rm(root, { recursive: true, force: true }) })

async function tree (files: Record<string, string>): Promise<string> {
  root = await mkdtemp(join(tmpdir(), 'slurp-repo-'))
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true })
    await writeFile(join(root, path), text)
  }
  return root
}

describe('the files slurp index walks', () => {
  it('outside git: every file no .gitignore on the way down ignores, never .git or node_modules', async () => {
    const dir = await tree({
      '.gitignore': 'dist/\n*.log\n',
      'a.ts': '',
      'debug.log': '',
      'dist/out.js': '',
      'src/b.ts': '',
      'src/.gitignore': 'gen.ts\n',
      'src/gen.ts': '',
      'src/deep/c.ts': '',
      'node_modules/x/index.js': '',
      '.git/HEAD': ''
    })
    const { files, source } = await repoFiles(dir)
    expect(source).toBe('walk')
    expect(files.map(file => file.path)).toEqual(['.gitignore', 'a.ts', 'src/.gitignore', 'src/b.ts', 'src/deep/c.ts'])
  })

  it('inside a git work tree: what git tracks, deleted files left out', async () => {
    const dir = await tree({ 'tracked.ts': 'x', 'gone.ts': 'y', 'untracked.ts': 'z' })
    const git = (...args: string[]): void => { execFileSync('git', ['-C', dir, ...args], { stdio: 'ignore' }) }
    git('init', '-q')
    git('add', 'tracked.ts', 'gone.ts')
    await rm(join(dir, 'gone.ts'))
    const { files, source } = await repoFiles(dir)
    expect(source).toBe('git')
    expect(files).toEqual([{ path: 'tracked.ts', size: 1 }])
  })

  it('stops when its signal fires', async () => {
    const dir = await tree({ 'a.ts': '' })
    await expect(repoFiles(dir, { signal: AbortSignal.abort() })).rejects.toThrow()
  })
})
