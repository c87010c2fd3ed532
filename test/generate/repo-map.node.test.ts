import { describe, expect, it } from 'vitest'
import { buildRepoMap, createStaticGenerator, pageRank, summarizeDirectory } from '../../src/generate/index.ts'
import { repoFiles } from './fixture-repo.ts'

describe('pageRank', () => {
  it('ranks sum to 1, and the centre of a star outranks its points', () => {
    // 1, 2 and 3 point at 0; 0 points back at 1.
    const edges = new Map([[1, new Map([[0, 1]])], [2, new Map([[0, 1]])], [3, new Map([[0, 1]])], [0, new Map([[1, 1]])]])
    const ranks = [...pageRank(5, edges)]
    expect(ranks.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
    expect(ranks[0]).toBeGreaterThan(ranks[1] as number)
    expect(ranks[1]).toBeGreaterThan(ranks[2] as number)
    expect(ranks[2]).toBeCloseTo(ranks[3] as number, 12)
    // 4 has no edges at all: it keeps only the teleport and dangling share, like 2 and 3.
    expect(ranks[4]).toBeCloseTo(ranks[2] as number, 12)
  })

  it('follows edge weights', () => {
    const edges = new Map([[0, new Map([[1, 9], [2, 1]])]])
    const ranks = pageRank(3, edges)
    expect(ranks[1]).toBeGreaterThan(ranks[2] as number)
  })

  it('handles no nodes and no edges', () => {
    expect(pageRank(0, new Map()).length).toBe(0)
    expect([...pageRank(4, new Map())]).toEqual([0.25, 0.25, 0.25, 0.25])
  })
})

describe('buildRepoMap', () => {
  it('ranks the file that most others reference highest', async () => {
    const map = await buildRepoMap(repoFiles())
    expect(map.ranked[0]).toBe('src/core.ts')
    expect(map.importance.get('src/core.ts')).toBe(1)
    expect(map.position.get('src/core.ts')).toBe(0)
    expect(map.ranked).toHaveLength(8)
    expect([...map.rank.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
    expect(map.referencedBy.get('src/core.ts')).toEqual(expect.arrayContaining(['src/a.ts', 'src/b.ts', 'src/feature/c.ts']))
    // a.ts is referenced by b.ts only; lonely.ts by nobody.
    expect(map.referencedBy.get('src/a.ts')).toEqual(['src/b.ts'])
    expect(map.referencedBy.has('src/lonely.ts')).toBe(false)
    expect(map.rank.get('src/a.ts')).toBeGreaterThan(map.rank.get('src/lonely.ts') as number)
    expect(map.importance.get('src/lonely.ts')).toBe(0)
    // Python: a relative import and the name it brings.
    expect(map.referencedBy.get('tools/helpers.py')).toEqual(['tools/report.py'])
  })

  it('does not count a file\'s uses of a name it defines itself towards another definer', async () => {
    const map = await buildRepoMap(repoFiles())
    // c.ts defines its own validateRecord and imports only formatRecord from core.ts: one import edge
    // plus one name; a.ts imports and uses both. So a.ts leans on core.ts harder than c.ts does.
    const users = map.referencedBy.get('src/core.ts') ?? []
    expect(users.indexOf('src/a.ts')).toBeLessThan(users.indexOf('src/feature/c.ts'))
  })

  it('is deterministic whatever the order of its input', async () => {
    const files = repoFiles()
    const one = await buildRepoMap(files)
    const two = await buildRepoMap([...files].reverse())
    expect(two.ranked).toEqual(one.ranked)
    expect([...two.importance]).toEqual([...one.importance])
  })

  it('feeds the generator: importance and who references the file', async () => {
    const files = repoFiles()
    const map = await buildRepoMap(files)
    const generator = createStaticGenerator()
    const core = files.find(f => f.path === 'src/core.ts')
    if (core === undefined) throw new Error('fixture missing')
    const draft = await generator.generate({ ...core, repo: { map } }, {})
    expect(draft.importance).toBe(1)
    expect(draft.insights).toContain('Ranked 1 of 8 files in the repository\'s reference graph.')
    expect(draft.insights.some(line => line.startsWith('Referenced by 3 files, most strongly'))).toBe(true)
  })

  it('stops on abort', async () => {
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    await expect(buildRepoMap(repoFiles(), { signal: controller.signal })).rejects.toThrow('stop')
  })
})

describe('summarizeDirectory', () => {
  it('summarises a directory from its children, README first, most important first', async () => {
    const files = repoFiles()
    const map = await buildRepoMap(files)
    const generator = createStaticGenerator()
    const src = await Promise.all(files.filter(f => /^src\/[^/]+$/.test(f.path)).map(f => generator.generate({ ...f, repo: { map } }, {})))
    const feature = summarizeDirectory('src/feature', [await generator.generate({ ...files.find(f => f.path === 'src/feature/c.ts') as typeof files[0], repo: { map } }, {})])
    const dir = summarizeDirectory('src', [...src, feature])
    expect(dir.language).toBe('directory')
    expect(dir.path).toBe('src')
    expect(dir.summary).toBe('src/: 4 files and 1 directory, mostly TypeScript; led by core.ts, a.ts and b.ts.')
    expect(dir.children?.map(c => c.path)).toEqual(['src/core.ts', 'src/a.ts', 'src/b.ts', 'src/feature', 'src/lonely.ts'])
    expect(dir.importance).toBe(1)
    expect(dir.technologies).toEqual(['TypeScript'])
    expect(dir.tags[0]).toBe('directory')
    expect(dir.generator.name).toBe('static')
    const root = summarizeDirectory('.', [dir, await generator.generate({ ...files.find(f => f.path === 'README.md') as typeof files[0] }, {})])
    expect(root.summary).toBe('Used by the repo map tests: see core.')
    expect(root.path).toBe('.')
    expect(summarizeDirectory('empty', []).summary).toBe('Empty directory empty/.')
  })
})
