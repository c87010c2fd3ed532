const JS_EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.js', '.jsx', '.mjs', '.cjs', '/index.ts', '/index.tsx', '/index.js', '/index.mjs']

/**
 * The repository file a relative import names, when there is one: `./x.js`
 * may be `x.ts` (TypeScript's ESM convention), `./dir` its index; Python's
 * `.mod` / `..pkg.mod` are modules or packages next to the importer. Bare
 * specifiers (packages) resolve to nothing.
 */
export function resolveImport (from: string, language: string, specifier: string, exists: (path: string) => boolean): string | undefined {
  const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/')) : ''
  if (language === 'python') return resolvePython(dir, specifier, exists)
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined
  const base = join(dir, specifier)
  if (base === undefined) return undefined
  const stems = [base]
  const js = /\.(c|m)?jsx?$/.exec(base)
  if (js !== null) stems.push(base.slice(0, js.index))
  for (const stem of stems) {
    for (const extension of JS_EXTENSIONS) {
      const candidate = stem + extension
      if (exists(candidate)) return candidate
    }
  }
  return undefined
}

function resolvePython (dir: string, specifier: string, exists: (path: string) => boolean): string | undefined {
  const dots = /^\.+/.exec(specifier)?.[0].length ?? 0
  if (dots === 0) return undefined
  const up = '../'.repeat(dots - 1)
  const rest = specifier.slice(dots).split('.').filter(part => part !== '').join('/')
  const base = join(dir, `./${up}${rest}`)
  if (base === undefined) return undefined
  for (const candidate of [`${base}.py`, `${base}/__init__.py`]) if (exists(candidate)) return candidate.replace(/^\//, '')
  return undefined
}

/** Posix join of a repo-relative directory and a relative path; undefined when it climbs out of the repository. */
function join (dir: string, relative: string): string | undefined {
  const parts = dir === '' ? [] : dir.split('/')
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (parts.length === 0) return undefined
      parts.pop()
    } else parts.push(part)
  }
  return parts.join('/')
}
