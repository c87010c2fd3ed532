import { readFileSync } from 'node:fs'
import { parseManifest } from '../../src/generate/index.ts'
import type { Manifest } from '../../src/generate/index.ts'

// Fixtures are stored as `NAME.fixture` so that tsc, eslint and vitest leave
// them alone; each is generated under the repository path it would have.
const GOLDEN = new URL('./fixtures/golden/', import.meta.url)
const REPO = new URL('./fixtures/repo/', import.meta.url)

/** Repository path → fixture file, for the golden tests: one small repository with a manifest per ecosystem. */
export const GOLDEN_LAYOUT: Readonly<Record<string, string>> = {
  'package.json': 'package.json',
  'src/sample.ts': 'sample.ts',
  'web/App.tsx': 'App.tsx',
  'scripts/util.mjs': 'util.mjs',
  'py/pyproject.toml': 'pyproject.toml',
  'py/reports/service.py': 'service.py',
  'go/go.mod': 'go.mod',
  'go/cmd/main.go': 'main.go',
  'rs/Cargo.toml': 'Cargo.toml',
  'rs/src/lib.rs': 'lib.rs',
  'scripts/deploy.sh': 'deploy.sh',
  'docs/GUIDE.md': 'GUIDE.md',
  'notes/ideas.xyz': 'ideas.xyz'
}

export function goldenBytes (path: string): Uint8Array {
  const name = GOLDEN_LAYOUT[path]
  if (name === undefined) throw new Error(`no golden fixture for ${path}`)
  return readFileSync(new URL(`${name}.fixture`, GOLDEN))
}

export function goldenManifests (): Manifest[] {
  return ['package.json', 'py/pyproject.toml', 'go/go.mod', 'rs/Cargo.toml'].map(path => {
    const manifest = parseManifest(path, new TextDecoder().decode(goldenBytes(path)))
    if (manifest === undefined) throw new Error(`${path} does not parse`)
    return manifest
  })
}

/** The repo-map fixture: `src/core.ts` is used by most of the others. */
export const REPO_LAYOUT: Readonly<Record<string, string>> = {
  'src/core.ts': 'core.ts',
  'src/a.ts': 'a.ts',
  'src/b.ts': 'b.ts',
  'src/feature/c.ts': 'c.ts',
  'src/lonely.ts': 'lonely.ts',
  'tools/report.py': 'report.py',
  'tools/helpers.py': 'helpers.py',
  'README.md': 'README.md'
}

export function repoFiles (): Array<{ path: string, bytes: Uint8Array }> {
  return Object.entries(REPO_LAYOUT).map(([path, name]) => ({ path, bytes: readFileSync(new URL(`${name}.fixture`, REPO)) }))
}
