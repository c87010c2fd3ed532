import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { ContextDraft } from '../../src/record/context-item.ts'

/** One folder or file of this repository as a context draft, folders first (parents before children). */
export interface TreeEntry {
  readonly path: string
  readonly draft: ContextDraft
}

/**
 * Context for this repository's TypeScript files and their folders, the way a
 * generator would write it: a file's technologies are TypeScript and the
 * packages it imports, its tags its folders; a folder lists every package
 * used under it. That repetition down the tree is what inheritance saves.
 */
export function repositoryTree (root: string, folders: readonly string[]): TreeEntry[] {
  const files = execFileSync('git', ['ls-files', ...folders], { cwd: root, encoding: 'utf8' })
    .split('\n').filter(path => path.endsWith('.ts'))
  const used = new Map<string, Set<string>>()
  const fileEntries: TreeEntry[] = []
  for (const path of files) {
    const text = readFileSync(`${root}/${path}`, 'utf8')
    const packages = [...new Set([...text.matchAll(/from '((?:@[\w.-]+\/)?[\w.-]+)[^']*'/g)].map(match => match[1] as string).filter(name => !name.startsWith('.')))].sort()
    const segments = path.split('/').slice(0, -1)
    for (let i = 0; i <= segments.length; i++) {
      const folder = segments.slice(0, i).join('/')
      const set = used.get(folder) ?? new Set()
      for (const name of packages) set.add(name)
      used.set(folder, set)
    }
    fileEntries.push({
      path,
      draft: {
        summary: firstComment(text) ?? path.split('/').at(-1) as string,
        technologies: ['typescript', ...packages],
        tags: [...segments, path.includes('.test.') ? 'test' : 'source'],
        body: `${text.split('\n').length} lines`
      }
    })
  }
  const folderEntries: TreeEntry[] = [...used.keys()].sort().map(folder => ({
    path: folder,
    draft: {
      summary: folder === '' ? 'slurp: encrypted, role-scoped context shared peer to peer' : `the ${folder} folder`,
      ...(folder === '' ? { purpose: 'share context between agents and people without relays reading it' } : {}),
      technologies: folder === '' ? ['typescript', ...(used.get(folder) ?? [])] : [...(used.get(folder) ?? [])],
      tags: folder === '' ? ['source'] : folder.split('/')
    }
  }))
  // Folders sort before what they contain ('' first, 'src' before 'src/net'), files after all folders.
  return [...folderEntries, ...fileEntries]
}

function firstComment (text: string): string | undefined {
  const match = /\/\*\*\s*\n?\s*\*?\s*([^\n*][^\n]*)/.exec(text) ?? /^\/\/\s*(.+)$/m.exec(text)
  return match?.[1]?.trim().slice(0, 200)
}
