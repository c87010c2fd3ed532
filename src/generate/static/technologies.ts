import type { Manifest } from '../types.ts'
import { languageLabel } from './languages.ts'

const MAX_TECHNOLOGIES = 32

const NODE_BUILTINS = new Set(['assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'console', 'crypto', 'dgram', 'diagnostics_channel',
  'dns', 'events', 'fs', 'http', 'http2', 'https', 'inspector', 'module', 'net', 'os', 'path', 'perf_hooks', 'process', 'querystring', 'readline',
  'repl', 'stream', 'string_decoder', 'timers', 'tls', 'tty', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib'])

const PYTHON_STDLIB = new Set(['abc', 'argparse', 'array', 'asyncio', 'base64', 'bisect', 'collections', 'concurrent', 'contextlib', 'copy', 'csv',
  'dataclasses', 'datetime', 'decimal', 'enum', 'functools', 'glob', 'hashlib', 'heapq', 'hmac', 'http', 'importlib', 'inspect', 'io', 'itertools',
  'json', 'logging', 'math', 'multiprocessing', 'operator', 'os', 'pathlib', 'pickle', 'platform', 'queue', 'random', 're', 'shutil', 'signal',
  'socket', 'sqlite3', 'string', 'struct', 'subprocess', 'sys', 'tempfile', 'textwrap', 'threading', 'time', 'traceback', 'typing', 'unittest',
  'urllib', 'uuid', 'warnings', 'weakref', 'xml', 'zipfile', '__future__'])

const RUST_BUILTIN = new Set(['std', 'core', 'alloc', 'crate', 'self', 'super', 'Self'])

/** Commands a shell script runs that name a technology. */
const SHELL_TOOLS = new Set(['docker', 'podman', 'kubectl', 'helm', 'git', 'npm', 'npx', 'node', 'bun', 'deno', 'yarn', 'pnpm', 'python', 'python3',
  'pip', 'go', 'cargo', 'rustc', 'make', 'curl', 'wget', 'jq', 'ssh', 'rsync', 'terraform', 'aws', 'gcloud', 'az', 'systemctl', 'age', 'openssl', 'sqlite3', 'psql'])

/**
 * The language, then the runtime and the packages the file imports, spelt as
 * the nearest manifest declares them when it does (a Go import path maps to
 * its module, a Rust `foo_bar` to the crate `foo-bar`).
 */
export function technologiesOf (language: string, imports: readonly string[], references: readonly string[], manifest: Manifest | undefined): string[] {
  const out = new Set<string>([languageLabel(language)])
  const declared = manifest?.dependencies ?? []
  for (const specifier of imports) {
    const tech = technologyOf(language, specifier, declared, manifest?.name)
    if (tech !== undefined) out.add(tech)
    if (out.size >= MAX_TECHNOLOGIES) break
  }
  if (language === 'bash') {
    for (const command of references) {
      if (out.size >= MAX_TECHNOLOGIES) break
      if (SHELL_TOOLS.has(command)) out.add(command)
    }
  }
  return [...out]
}

function technologyOf (language: string, specifier: string, declared: readonly string[], own: string | undefined): string | undefined {
  switch (language) {
    case 'typescript':
    case 'tsx':
    case 'javascript': return jsPackage(specifier)
    case 'python': return pythonPackage(specifier, declared)
    case 'go': return goModule(specifier, declared, own)
    case 'rust': return rustCrate(specifier, declared)
    default: return undefined
  }
}

function jsPackage (specifier: string): string | undefined {
  if (specifier === '' || specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#') || /^[a-z]+:\/\//i.test(specifier)) return undefined
  if (specifier.startsWith('node:')) return 'Node.js'
  if (specifier.startsWith('bun:') || specifier === 'bun') return 'Bun'
  const bare = specifier.replace(/^(npm|jsr):/, '').replace(/(?<=.)@[^/]*$/, '')
  const parts = bare.split('/')
  const name = bare.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? bare)
  if (NODE_BUILTINS.has(name)) return 'Node.js'
  return name
}

function pythonPackage (specifier: string, declared: readonly string[]): string | undefined {
  if (specifier.startsWith('.')) return undefined
  const top = specifier.split('.')[0] ?? specifier
  if (top === '' || PYTHON_STDLIB.has(top)) return undefined
  const normal = top.toLowerCase().replace(/_/g, '-')
  return declared.find(dep => dep.replace(/_/g, '-') === normal) ?? top
}

function goModule (specifier: string, declared: readonly string[], own: string | undefined): string | undefined {
  const path = specifier.replace(/^"|"$/g, '')
  const first = path.split('/')[0] ?? ''
  // The standard library's import paths have no dot in their first element; the module's own packages are not a technology.
  if (!first.includes('.') || (own !== undefined && (path === own || path.startsWith(`${own}/`)))) return undefined
  let best: string | undefined
  for (const dep of declared) {
    if ((path === dep || path.startsWith(`${dep}/`)) && (best === undefined || dep.length > best.length)) best = dep
  }
  return best ?? path.split('/').slice(0, 3).join('/')
}

function rustCrate (specifier: string, declared: readonly string[]): string | undefined {
  const crate = /^(?:::)?([A-Za-z_][A-Za-z0-9_]*)/.exec(specifier)?.[1]
  if (crate === undefined || RUST_BUILTIN.has(crate)) return undefined
  const dep = declared.find(dep => dep.replace(/-/g, '_') === crate)
  // With a Cargo.toml at hand, a path that names no declared crate is one of the crate's own modules.
  return dep ?? (declared.length > 0 ? undefined : crate)
}
