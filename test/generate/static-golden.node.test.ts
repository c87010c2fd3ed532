import { describe, expect, it } from 'vitest'
import { createStaticGenerator, toItemDraft } from '../../src/generate/index.ts'
import type { ContextDraft } from '../../src/generate/index.ts'
import { parseContextItem } from '../../src/record/context-item.ts'
import { goldenBytes, goldenManifests } from './fixture-repo.ts'

// Golden tests: what the static generator extracts from one small file per
// language (fixtures/golden), read under the repository path it would have.
const generator = createStaticGenerator()
const manifests = goldenManifests()

async function draftOf (path: string): Promise<ContextDraft> {
  return await generator.generate({ path, bytes: goldenBytes(path), repo: { manifests } }, {})
}

function defs (draft: ContextDraft): string[] {
  return draft.definitions.map(d => `${d.name}:${d.kind}:${d.line}${d.exported === true ? ':exported' : ''}`)
}

describe('static generator, golden files', () => {
  it('TypeScript: doc comment, definitions with their public surface, imports, technologies', async () => {
    const draft = await draftOf('src/sample.ts')
    expect(draft.language).toBe('typescript')
    expect(draft.summary).toBe('Formats byte counts for people.')
    expect(draft.purpose).toBe('Formats byte counts for people. Used by the status views.')
    expect(defs(draft)).toEqual([
      'Sized:interface:10:exported', 'Unit:type:14:exported', 'Mode:enum:16:exported', 'UNITS:constant:18:exported',
      'schema:constant:20', 'formatBytes:function:23:exported', 'Formatter:class:29:exported', 'format:method:30', 'load:function:35'
    ])
    expect(draft.imports).toEqual(['node:fs', 'zod', './options.ts'])
    expect(draft.technologies).toEqual(['TypeScript', 'Node.js', 'zod'])
    expect(draft.tags).toEqual(['typescript', 'todo'])
    expect(draft.insights).toContain('Public surface: 6 exported (Sized, Unit, Mode, UNITS, formatBytes and Formatter).')
    expect(draft.insights).toContain('1 TODO/FIXME marker (line 24: TODO: locale-aware separators).')
    expect(draft.insights).toContain('Complexity: 2 branches, indentation up to 2 levels.')
    expect(draft.generator).toEqual({ name: 'static', version: '1.0.0' })
    expect(draft.warnings).toBeUndefined()
  })

  it('TSX: a component, its React import and a line comment as its doc', async () => {
    const draft = await draftOf('web/App.tsx')
    expect(draft.language).toBe('tsx')
    expect(draft.summary).toBe('The main view: a counter of bytes.')
    expect(defs(draft)).toEqual(['App:function:5:exported'])
    expect(draft.imports).toEqual(['react', '../src/sample.ts'])
    expect(draft.technologies).toEqual(['TypeScript (TSX)', 'react'])
    expect(draft.tags).toEqual(['tsx', 'web'])
  })

  it('JavaScript: ESM and require imports, a shebang skipped for the doc, content tags', async () => {
    const draft = await draftOf('scripts/util.mjs')
    expect(draft.language).toBe('javascript')
    expect(draft.summary).toBe('Command-line helpers shared by the build scripts.')
    expect(defs(draft)).toEqual(['yaml:constant:4', 'parseArgs:function:6:exported', 'Runner:class:10:exported', 'run:method:11', 'main:function:16'])
    expect(draft.imports).toEqual(['node:path', 'yaml'])
    expect(draft.technologies).toEqual(['JavaScript', 'Node.js', 'yaml'])
    expect(draft.tags).toEqual(['javascript', 'script', 'async', 'cli'])
  })

  it('Python: module docstring, methods, private names, relative imports, the standard library left out', async () => {
    const draft = await draftOf('py/reports/service.py')
    expect(draft.summary).toBe('Fetches reports from the upstream service and caches them.')
    expect(draft.purpose).toBe('Fetches reports from the upstream service and caches them. The cache lives on disk next to the service\'s configuration.')
    expect(defs(draft)).toEqual(['ReportClient:class:12:exported', 'fetch:method:15', 'cache_path:function:22:exported', '_private_helper:function:26', 'TIMEOUT:constant:30:exported'])
    expect(draft.imports).toEqual(['os', 'requests', 'yaml', '.models', '..shared'])
    expect(draft.technologies).toEqual(['Python', 'requests', 'yaml'])
    expect(draft.tags).toEqual(['python', 'py', 'reports', 'http', 'todo'])
  })

  it('Go: package comment, capitalised names exported, the module\'s own packages and the standard library left out', async () => {
    const draft = await draftOf('go/cmd/main.go')
    expect(draft.summary).toBe('Package main is the command-line entry point of the tool.')
    expect(defs(draft)).toEqual(['main:package:2', 'Version:constant:13:exported', 'Server:type:16:exported', 'Start:method:21:exported', 'helper:function:28', 'main:function:30'])
    expect(draft.imports).toEqual(['fmt', 'os', 'github.com/spf13/cobra', 'example.com/tool/internal/store'])
    expect(draft.technologies).toEqual(['Go', 'github.com/spf13/cobra'])
    expect(draft.tags).toEqual(['go', 'cmd', 'entry-point'])
  })

  it('Rust: inner doc comment, pub items, crates named as Cargo.toml declares them', async () => {
    const draft = await draftOf('rs/src/lib.rs')
    expect(draft.summary).toBe('Storage primitives for the tool: records and their codecs.')
    expect(defs(draft)).toEqual([
      'MAX_RECORD:constant:8:exported', 'Record:class:12:exported', 'Store:interface:17:exported', 'MemoryStore:class:21:exported',
      'get:method:26', 'encode:function:34:exported', 'checksum:function:38'
    ])
    expect(draft.imports).toEqual(['serde::{Deserialize,Serialize}', 'std::collections::HashMap', 'crate::codec::Codec'])
    expect(draft.technologies).toEqual(['Rust', 'serde'])
    expect(draft.tags).toEqual(['rust', 'rs', 'entry-point'])
  })

  it('Bash: functions, variables, sourced files and the tools it runs', async () => {
    const draft = await draftOf('scripts/deploy.sh')
    expect(draft.summary).toBe('Builds the image and deploys it to the staging cluster.')
    expect(defs(draft)).toEqual(['REGISTRY:variable:6', 'build_image:function:8:exported', 'deploy:function:12:exported'])
    expect(draft.imports).toEqual(['./lib/common.sh'])
    expect(draft.technologies).toEqual(['Bash', 'docker', 'kubectl', 'git'])
    expect(draft.tags).toEqual(['bash', 'script'])
  })

  it('Markdown: headings outside code fences, relative links, the first paragraph of prose', async () => {
    const draft = await draftOf('docs/GUIDE.md')
    expect(draft.summary).toBe('How to run the tool in production: configuration, backups and upgrades.')
    expect(defs(draft)).toEqual(['Operator guide:heading:1', 'Configuration:heading:7', 'Backups:heading:16', 'Restoring:heading:20'])
    expect(draft.imports).toEqual(['./options.md', '../config/example.yml'])
    expect(draft.technologies).toEqual(['Markdown'])
    expect(draft.tags).toEqual(['markdown', 'docs'])
  })

  it('an unknown extension still gets a useful generic item', async () => {
    const draft = await draftOf('notes/ideas.xyz')
    expect(draft.language).toBe('text')
    expect(draft.summary).toBe('remember the milk and the eggs')
    expect(draft.definitions).toEqual([])
    expect(draft.tags).toEqual(['notes', 'todo'])
    expect(draft.insights).toEqual(['4 lines (3 non-blank), 48 bytes.', '1 TODO/FIXME marker (line 4: TODO: buy bread).'])
  })

  it('manifests: their name, description and dependencies', async () => {
    const npm = await draftOf('package.json')
    expect(npm.summary).toBe('npm package fixture-app: A fixture application.')
    expect(npm.technologies).toEqual(['JSON', 'zod', 'react', 'vitest'])
    expect(npm.tags).toEqual(['json', 'config', 'manifest'])
    const go = await draftOf('go/go.mod')
    expect(go.purpose).toBe('Declares 2 dependencies: github.com/spf13/cobra and golang.org/x/sync.')
    expect(manifests.map(m => [m.kind, m.name, m.dependencies])).toEqual([
      ['npm', 'fixture-app', ['zod', 'react', 'vitest']],
      ['python', 'reports', ['requests', 'pyyaml', 'pytest']],
      ['go', 'example.com/tool', ['github.com/spf13/cobra', 'golang.org/x/sync']],
      ['cargo', 'tool-store', ['serde', 'tokio-util', 'proptest']]
    ])
  })

  it('every golden draft becomes a context item the record validator accepts', async () => {
    for (const path of ['src/sample.ts', 'web/App.tsx', 'py/reports/service.py', 'docs/GUIDE.md', 'notes/ideas.xyz', 'package.json']) {
      const draft = await draftOf(path)
      const item = parseContextItem({ ...toItemDraft(draft), address: `ucxl://fixture/${path}`, creatorRole: 'project_manager', createdAt: new Date(0).toISOString(), updatedAt: new Date(0).toISOString() })
      expect(item.summary).toBe(draft.summary)
      expect(item.metadata).toMatchObject({ generator: 'static', generatorVersion: '1.0.0', language: draft.language, path })
    }
  })
})
