import type { Manifest } from '../types.ts'

const MANIFEST_NAMES: Readonly<Record<string, Manifest['kind']>> = {
  'package.json': 'npm',
  'go.mod': 'go',
  'Cargo.toml': 'cargo',
  'pyproject.toml': 'python'
}
const MAX_DEPENDENCIES = 500

export function isManifestPath (path: string): boolean {
  return Object.hasOwn(MANIFEST_NAMES, basename(path))
}

/** Parses package.json, go.mod, Cargo.toml or pyproject.toml; undefined for any other path or a manifest that does not parse. */
export function parseManifest (path: string, text: string): Manifest | undefined {
  const name = basename(path)
  if (!Object.hasOwn(MANIFEST_NAMES, name)) return undefined
  try {
    switch (MANIFEST_NAMES[name]) {
      case 'npm': return npm(path, text)
      case 'go': return goMod(path, text)
      case 'cargo': return toml(path, text, 'cargo')
      case 'python': return toml(path, text, 'python')
    }
  } catch {
    return undefined
  }
  return undefined
}

/** The manifest in the file's directory or the closest one above it. */
export function nearestManifest (path: string, manifests: readonly Manifest[]): Manifest | undefined {
  let best: Manifest | undefined
  let bestDepth = -1
  for (const manifest of manifests) {
    const dir = dirname(manifest.path)
    if (dir !== '' && !path.startsWith(`${dir}/`)) continue
    const depth = dir === '' ? 0 : dir.split('/').length
    if (depth > bestDepth) {
      best = manifest
      bestDepth = depth
    }
  }
  return best
}

function npm (path: string, text: string): Manifest | undefined {
  const json: unknown = JSON.parse(text)
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined
  const doc = json as Record<string, unknown>
  const dependencies = new Set<string>()
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
    const deps = doc[field]
    if (typeof deps === 'object' && deps !== null && !Array.isArray(deps)) for (const dep of Object.keys(deps)) dependencies.add(dep)
  }
  return manifest(path, 'npm', stringOf(doc.name), stringOf(doc.description), dependencies)
}

function goMod (path: string, text: string): Manifest {
  let name: string | undefined
  const dependencies = new Set<string>()
  let inBlock = false
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim()
    if (inBlock) {
      if (line === ')') inBlock = false
      else if (line !== '') dependencies.add(line.split(/\s+/)[0] ?? line)
      continue
    }
    const module = /^module\s+(\S+)/.exec(line)
    if (module !== null) name = module[1]
    else if (/^require\s*\($/.test(line)) inBlock = true
    else {
      const single = /^require\s+(\S+)/.exec(line)
      if (single?.[1] !== undefined) dependencies.add(single[1])
    }
  }
  return manifest(path, 'go', name, undefined, dependencies)
}

/** Enough TOML for the fields we read: section headers, `key = "string"` and `key = [ "a", "b" ]` (over several lines). */
function toml (path: string, text: string, kind: 'cargo' | 'python'): Manifest {
  let section = ''
  let name: string | undefined
  let description: string | undefined
  const dependencies = new Set<string>()
  let array: string | undefined
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim()
    if (array !== undefined) {
      for (const item of line.matchAll(/"([^"]+)"|'([^']+)'/g)) dependencies.add(pythonName(item[1] ?? item[2] ?? ''))
      if (line.includes(']')) array = undefined
      continue
    }
    const header = /^\[\[?([^\]]+)\]\]?$/.exec(line)
    if (header?.[1] !== undefined) {
      section = header[1].trim()
      const table = /^(?:.*\.)?(?:dev-|build-)?dependencies\.([\w.-]+)$/.exec(section)
      if (kind === 'cargo' && table?.[1] !== undefined) dependencies.add(table[1])
      continue
    }
    const pair = /^([\w.-]+|"[^"]+")\s*=\s*(.*)$/.exec(line)
    if (pair?.[1] === undefined || pair[2] === undefined) continue
    const key = pair[1].replace(/"/g, '')
    const value = pair[2]
    const string = /^"([^"]*)"|^'([^']*)'/.exec(value)
    if ((section === 'package' || section === 'project' || section === 'tool.poetry') && string !== null) {
      if (key === 'name') name = string[1] ?? string[2]
      if (key === 'description') description = string[1] ?? string[2]
    }
    if (kind === 'cargo' && /(^|\.)((dev|build)-)?dependencies$/.test(section)) dependencies.add(key)
    if (kind === 'python') {
      if (section === 'tool.poetry.dependencies' || /^tool\.poetry\.group\.[\w-]+\.dependencies$/.test(section)) {
        if (key !== 'python') dependencies.add(pythonName(key))
      } else if ((section === 'project' && key === 'dependencies') || section === 'project.optional-dependencies' || (section === 'build-system' && key === 'requires')) {
        for (const item of value.matchAll(/"([^"]+)"|'([^']+)'/g)) dependencies.add(pythonName(item[1] ?? item[2] ?? ''))
        if (value.startsWith('[') && !value.includes(']')) array = key
      }
    }
  }
  return manifest(path, kind, name, description, dependencies)
}

/** `requests[socks]>=2.0; python_version<"3.8"` → `requests`. */
function pythonName (requirement: string): string {
  return (/^[A-Za-z0-9._-]+/.exec(requirement.trim())?.[0] ?? requirement).toLowerCase()
}

function manifest (path: string, kind: Manifest['kind'], name: string | undefined, description: string | undefined, dependencies: Set<string>): Manifest {
  dependencies.delete('')
  return {
    path,
    kind,
    ...(name === undefined ? {} : { name: name.slice(0, 200) }),
    ...(description === undefined ? {} : { description: description.slice(0, 1000) }),
    dependencies: [...dependencies].slice(0, MAX_DEPENDENCIES)
  }
}

function stringOf (value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function basename (path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

function dirname (path: string): string {
  const slash = path.lastIndexOf('/')
  return slash === -1 ? '' : path.slice(0, slash)
}
