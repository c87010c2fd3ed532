/** What one file contributes to the repository's reference graph. */
export interface GraphFile {
  /** Names other files can use: `public` (exported, `pub`, capitalised) or `method` (reached through objects). */
  readonly defines: ReadonlyMap<string, 'public' | 'method'>
  /** Referenced names and how often. */
  readonly references: ReadonlyMap<string, number>
  /** Repository files its relative imports resolve to (indices). */
  readonly imports: ReadonlySet<number>
  /** Its language's relative imports are resolved (JavaScript, TypeScript, Python), so an empty `imports` means "imports no file here". */
  readonly resolvesImports: boolean
}

/** A name defined in more files than this is too common to say who depends on whom (`get`, `start`, `constructor`). */
const MAX_DEFINERS = 25
/** An import resolved to a file weighs as much as one reference to an ordinary name. */
const IMPORT_WEIGHT = 1

/**
 * The weighted edges referencer → definer, after aider's repo map: a file
 * that references a name points at the files defining it, with weight
 * √(references) × how distinctive the name is. Sharper than aider's in four
 * ways, each against a false edge seen on this repository: an import resolved
 * to a file is an edge of its own; a file that imports some of a name's
 * definers means those; a method name (`.encode()`, `.slice()`) counts only
 * towards files the referencer imports, when its imports are resolved, as
 * most such calls are on built-in or library objects; and a file's uses of a
 * name it defines itself are its own.
 */
export function referenceEdges (files: readonly GraphFile[]): Map<number, Map<number, number>> {
  const edges = new Map<number, Map<number, number>>()
  const add = (source: number, target: number, weight: number): void => {
    if (source === target) return
    let out = edges.get(source)
    if (out === undefined) edges.set(source, out = new Map())
    out.set(target, (out.get(target) ?? 0) + weight)
  }
  for (const [source, file] of files.entries()) for (const target of file.imports) add(source, target, IMPORT_WEIGHT)
  const definers = new Map<string, Array<[number, 'public' | 'method']>>()
  for (const [i, file] of files.entries()) {
    for (const [name, kind] of file.defines) {
      let list = definers.get(name)
      if (list === undefined) definers.set(name, list = [])
      list.push([i, kind])
    }
  }
  for (const [referencer, file] of files.entries()) {
    for (const [name, count] of file.references) {
      const list = definers.get(name)
      if (list === undefined || list.length > MAX_DEFINERS || file.defines.has(name)) continue
      const weight = nameWeight(name, list.length) * Math.sqrt(count)
      const imported = list.filter(([definer]) => file.imports.has(definer))
      const targets = imported.length > 0
        ? imported
        : list.filter(([, kind]) => kind === 'public' || !file.resolvesImports)
      for (const [definer] of targets) add(referencer, definer, weight)
    }
  }
  return edges
}

/** aider's weights: long camelCase/snake_case names are distinctive, `_private` ones and names many files define are not. */
function nameWeight (name: string, definers: number): number {
  let weight = 1
  const compound = (name.includes('_') || name.includes('-') || (/\p{Lu}/u.test(name) && /\p{Ll}/u.test(name))) && /\p{L}/u.test(name)
  if (compound && name.length >= 8) weight *= 10
  if (name.startsWith('_')) weight *= 0.1
  if (definers > 5) weight *= 0.1
  return weight
}
