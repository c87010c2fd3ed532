import type { ContextDraft, DirectoryChild } from '../types.ts'
import { basename, count, list } from './compose.ts'
import { slug } from './labels.ts'
import { languageLabel } from './languages.ts'
import { normalizePath, STATIC_GENERATOR_NAME, STATIC_GENERATOR_VERSION } from './static-generator.ts'

const MAX_CHILDREN = 100
const MAX_TECHNOLOGIES = 32
const MAX_TAGS = 16
const MAX_IMPORTS = 50

/**
 * A directory's draft from its children's (files and subdirectories, drafted
 * first): its README or entry point speaks for it when there is one; its
 * technologies, tags and imports are its children's, most frequent first;
 * it is as important as its most important child.
 */
export function summarizeDirectory (path: string, childDrafts: readonly ContextDraft[]): ContextDraft {
  const dir = normalizePath(path)
  const name = dir === '.' ? 'The repository root' : `${basename(dir)}/`
  const sorted = [...childDrafts].sort((a, b) => b.importance - a.importance || a.path.localeCompare(b.path))
  const files = sorted.filter(d => d.language !== 'directory')
  const dirs = sorted.filter(d => d.language === 'directory')
  const readme = files.find(d => /^readme(\.[a-z]+)?$/i.test(basename(d.path)))
  const entry = files.find(d => /^(index|main|mod|lib|__init__)\.[a-z]+$/i.test(basename(d.path)))
  const languages = frequency(files.map(d => languageLabel(d.language)))
  const shape = `${count(files.length, 'file')}${dirs.length > 0 ? ` and ${count(dirs.length, 'directory')}` : ''}`
  const leaders = sorted.slice(0, 3).map(d => basename(d.path))
  const summary = readme?.summary ?? entry?.summary ??
    (sorted.length === 0 ? `Empty directory ${name}.` : `${name}: ${shape}${languages[0] === undefined ? '' : `, mostly ${languages[0]}`}; led by ${list(leaders, 3)}.`)
  const purpose = sorted.length === 0
    ? summary
    : clip(`${name} holds ${shape}. ${sorted.slice(0, 5).map(d => `${basename(d.path)}: ${d.summary}`).join(' ')}`, 1500)
  const insights = [`${shape}${languages.length > 0 ? ` (${languages.slice(0, 4).join(', ')})` : ''}.`]
  const definitions = files.reduce((n, d) => n + d.definitions.length, 0)
  const exported = files.reduce((n, d) => n + d.definitions.filter(x => x.exported === true).length, 0)
  if (definitions > 0) insights.push(`${definitions} definitions in all, ${exported} of them exported.`)
  if (sorted.length > 0) insights.push(`Most important: ${sorted.slice(0, 5).map(d => `${basename(d.path)} (${d.importance.toFixed(2)})`).join(', ')}.`)
  const todo = files.filter(d => d.tags.includes('todo')).length
  if (todo > 0) insights.push(`${count(todo, 'file')} with TODO/FIXME markers.`)
  const broken = files.filter(d => d.tags.includes('syntax-error')).length
  if (broken > 0) insights.push(`${count(broken, 'file')} with syntax errors.`)
  const children: DirectoryChild[] = sorted.slice(0, MAX_CHILDREN).map(d => ({ path: d.path, summary: d.summary, language: d.language, importance: d.importance }))
  return {
    path: dir,
    summary,
    purpose,
    definitions: [],
    imports: frequency(sorted.flatMap(d => d.imports.filter(spec => !spec.startsWith('.')))).slice(0, MAX_IMPORTS),
    technologies: frequency(sorted.flatMap(d => d.technologies)).slice(0, MAX_TECHNOLOGIES),
    tags: [...new Set(['directory', ...(dir === '.' ? [] : [slug(basename(dir))]), ...frequency(sorted.flatMap(d => d.tags))])].filter(t => t !== '').slice(0, MAX_TAGS),
    insights,
    importance: sorted[0]?.importance ?? 0,
    language: 'directory',
    generator: { name: STATIC_GENERATOR_NAME, version: STATIC_GENERATOR_VERSION },
    children
  }
}

/** Distinct values, most frequent first (ties in order of first appearance). */
function frequency (values: readonly string[]): string[] {
  const counts = new Map<string, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1]).map(([value]) => value)
}

function clip (text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text
}
