const MAX_TAGS = 24

/** Directory names that say nothing about what is inside. */
const GENERIC_DIRS = new Set(['src', 'lib', 'app', 'pkg', 'internal', 'source', 'sources', 'code', '.', '..', ''])

const ROLE_DIRS: Readonly<Record<string, string>> = {
  test: 'test',
  tests: 'test',
  __tests__: 'test',
  spec: 'test',
  fixtures: 'fixture',
  fixture: 'fixture',
  testdata: 'fixture',
  bench: 'benchmark',
  benches: 'benchmark',
  benchmark: 'benchmark',
  benchmarks: 'benchmark',
  docs: 'docs',
  doc: 'docs',
  examples: 'example',
  example: 'example',
  scripts: 'script',
  '.github': 'ci',
  deploy: 'deployment',
  vendor: 'vendored',
  third_party: 'vendored'
}

/** What the content shows, as a tag, when the pattern appears in the text. */
const CONTENT: ReadonlyArray<readonly [string, RegExp]> = [
  ['async', /\b(async|await)\b|\bgo func\b|\btokio::/],
  ['cli', /process\.argv|\bargparse\b|\bclap::|\bflag\.(String|Bool|Int|Parse)\b|\bgetopts?\b|parseArgs\(/],
  ['http', /\bfetch\(|\bnode:https?\b|\bhono\b|\bexpress\b|net\/http|\brequests\b|\bhyper::|\baxum::|\bcurl\b/],
  ['crypto', /\bcrypto\b|\bencrypt|\bdecrypt|\bsignature\b|\bed25519\b|\bx25519\b/i],
  ['storage', /\b(IndexedDB|leveldb|classic-level|sqlite|postgres|redis|readFile|writeFile)\b/i],
  ['network', /\blibp2p\b|\bWebSocket\b|\bnode:net\b|\bsocket\b/],
  ['concurrency', /\bWorker\b|worker_threads|\bMutex\b|\bsync\.WaitGroup\b|\bthreading\b/],
  ['deprecated', /@deprecated|#\[deprecated|\bDeprecated:/],
  ['generated', /@generated|\bDO NOT EDIT\b|auto-?generated/i]
]

export interface LabelFacts {
  readonly path: string
  readonly language: string
  readonly text: string
  readonly imports: readonly string[]
  readonly todos: number
  readonly syntaxErrors: boolean
}

/** Tags from where the file is (its directories, its role: test, fixture, docs…) and from what it contains. */
export function tagsOf (facts: LabelFacts): string[] {
  const tags = new Set<string>()
  const parts = facts.path.split('/').filter(part => part !== '')
  const name = parts.pop() ?? facts.path
  if (facts.language !== 'text') tags.add(facts.language)
  for (const dir of parts) {
    const role = ROLE_DIRS[dir.toLowerCase()]
    if (role !== undefined) tags.add(role)
    else if (!GENERIC_DIRS.has(dir.toLowerCase())) tags.add(slug(dir))
  }
  for (const tag of nameTags(name)) tags.add(tag)
  const head = facts.text.length > 65_536 ? facts.text.slice(0, 65_536) : facts.text
  for (const [tag, pattern] of CONTENT) if (pattern.test(head)) tags.add(tag)
  if (facts.imports.some(spec => /^(vitest|jest|mocha|node:test|bun:test|pytest|unittest|testing)$|^@jest\//.test(spec))) tags.add('test')
  if (facts.imports.some(spec => spec === 'fast-check' || spec === 'hypothesis' || spec === 'proptest')) tags.add('property-test')
  if (facts.todos > 0) tags.add('todo')
  if (facts.syntaxErrors) tags.add('syntax-error')
  tags.delete('')
  return [...tags].slice(0, MAX_TAGS)
}

function nameTags (name: string): string[] {
  const tags: string[] = []
  const lower = name.toLowerCase()
  if (/[._-](test|spec)\.[^.]+$|_test\.go$|^test_.*\.py$|_test\.py$/.test(lower)) tags.push('test')
  if (/\.d\.[mc]?ts$/.test(lower)) tags.push('type-declarations')
  if (/\.(node|browser|web|bun|deno)\.[mc]?[jt]sx?$/.test(lower)) tags.push(lower.split('.').at(-2) ?? '')
  if (/^(index|main|mod|lib|__init__|__main__|cli)\.[a-z]+$/.test(lower)) tags.push('entry-point')
  if (/^(readme|changelog|contributing|license|benchmarks)(\.[a-z]+)?$/.test(lower)) tags.push('docs')
  if (/(^|[.-])(config|conf|rc)\.[a-z]+$|^\.[a-z]+rc$|^(tsconfig|package|deno|cargo|pyproject|go)\.(json|toml|mod)$|^go\.mod$|^dockerfile$|\.ya?ml$/.test(lower)) tags.push('config')
  if (/^(package\.json|go\.mod|cargo\.toml|pyproject\.toml)$/.test(lower)) tags.push('manifest')
  return tags
}

/** `My_Dir Name` → `my-dir-name`. */
export function slug (text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 48)
}
