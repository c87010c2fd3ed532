import type { ContextDraft } from '../types.ts'
import { ANSWER_LIMITS } from './answer.ts'

export interface ChatMessage {
  readonly role: 'system' | 'user'
  readonly content: string
}

const SYSTEM = `You write context for a codebase: short, factual notes that help an engineer or an AI agent understand one file or directory.
You get the path, the static analysis of the file (definitions, imports, technologies, tags, metrics) and its source.
Answer with ONE JSON object and nothing else, with exactly these keys:
- "summary": one sentence saying what the file is (at most ${ANSWER_LIMITS.summary} characters);
- "purpose": at most three sentences on why it exists and how it is used (at most ${ANSWER_LIMITS.purpose} characters);
- "technologies": languages, libraries, protocols and tools it uses (at most ${ANSWER_LIMITS.technologies.items} short names);
- "tags": lower-case-kebab topic tags (at most ${ANSWER_LIMITS.tags.items}, each matching ^[a-z0-9][a-z0-9.+#-]*$);
- "insights": notable facts for a maintainer: design choices, risks, complexity, missing tests (at most ${ANSWER_LIMITS.insights.items}, each one sentence).
Every string must be non-empty. Say only what the source and the analysis support.`

/** The request's messages: instructions, then the static draft and the source (cut to `maxSourceChars`, and said so). */
export function buildMessages (draft: ContextDraft, source: string, maxSourceChars: number): ChatMessage[] {
  const cut = source.length > maxSourceChars
  const analysis = {
    summary: draft.summary,
    purpose: draft.purpose,
    language: draft.language,
    definitions: draft.definitions.slice(0, 80).map(d => `${d.name} (${d.kind}, line ${d.line}${d.exported === true ? ', exported' : ''})`),
    imports: draft.imports.slice(0, 50),
    technologies: draft.technologies,
    tags: draft.tags,
    insights: draft.insights,
    importance: draft.importance,
    ...(draft.children === undefined ? {} : { children: draft.children.slice(0, 40).map(c => `${c.path}: ${c.summary}`) })
  }
  const user = [
    `Path: ${draft.path}`,
    `Static analysis: ${JSON.stringify(analysis)}`,
    cut ? `Source (the first ${maxSourceChars} of ${source.length} characters):` : 'Source:',
    '<<<SOURCE',
    cut ? source.slice(0, maxSourceChars) : source,
    'SOURCE>>>'
  ].join('\n')
  return [{ role: 'system', content: SYSTEM }, { role: 'user', content: user }]
}
