import type { ContextDraft as ItemDraft } from '../record/context-item.ts'
import type { ContextDraft } from './types.ts'

// The stored item's limits (src/record/context-item.ts): lists of at most 256
// strings of at most 4096 characters, metadata values likewise.
const MAX_LIST = 256
const MAX_ENTRY = 4096
const MAX_BODY = 256 * 1024

/**
 * The stored context item's draft for a generated one: summary, purpose,
 * technologies, tags and insights map one to one (warnings join the insights);
 * definitions, imports and children become the body; the generator, its
 * version, the language and the importance go to metadata, where readers and
 * the queue's deduplication find them.
 */
export function toItemDraft (draft: ContextDraft): ItemDraft {
  const metadata: Record<string, string> = {
    path: clip(draft.path),
    language: draft.language,
    importance: draft.importance.toFixed(3),
    generator: draft.generator.name,
    generatorVersion: draft.generator.version
  }
  if (draft.generator.model !== undefined) metadata.generatorModel = clip(draft.generator.model)
  return {
    summary: draft.summary,
    purpose: draft.purpose,
    technologies: bounded(draft.technologies),
    tags: bounded(draft.tags),
    insights: bounded([...draft.insights, ...(draft.warnings ?? []).map(w => `Warning: ${w}`)]),
    body: bodyOf(draft),
    metadata,
    contentType: 'context'
  }
}

function bodyOf (draft: ContextDraft): string {
  const sections: string[] = []
  if (draft.definitions.length > 0) {
    sections.push(['Definitions:', ...draft.definitions.map(d => `- ${d.name} (${d.kind}, line ${d.line}${d.exported === true ? ', exported' : ''})`)].join('\n'))
  }
  if (draft.imports.length > 0) sections.push(['Imports:', ...draft.imports.map(spec => `- ${spec}`)].join('\n'))
  if (draft.children !== undefined && draft.children.length > 0) {
    sections.push(['Children:', ...draft.children.map(c => `- ${c.path} (${c.language}, importance ${c.importance.toFixed(2)}): ${c.summary}`)].join('\n'))
  }
  const body = sections.join('\n\n')
  return body.length > MAX_BODY ? body.slice(0, MAX_BODY) : body
}

function bounded (values: readonly string[]): string[] {
  return values.slice(0, MAX_LIST).map(clip)
}

function clip (value: string): string {
  return value.length > MAX_ENTRY ? value.slice(0, MAX_ENTRY) : value
}
