import { utf8Encode } from '../encoding/bytes.ts'
import { summarizeDirectory, toItemDraft } from '../generate/index.ts'
import type { ContextDraft as GeneratedDraft, Generator } from '../generate/index.ts'
import type { ContextItem } from '../record/context-item.ts'
import { parseDirectorySource } from './directory-source.ts'
import type { DraftMaker } from './generation-work.ts'

export interface DraftMakerInit {
  /** The generator for files (static, or llm falling back to static). */
  generator: Generator
  /** Reads a child's generated context (the leader reads every generated record); undefined when there is none yet. */
  readChild: (address: string, options: { signal: AbortSignal }) => Promise<ContextItem | undefined>
  onWarning?: (message: string) => void
}

/**
 * What the leader turns a request's source into: a file's text goes through
 * the generator; a directory source (the addresses it holds) becomes a
 * summary of its children's generated context, read back from the network.
 */
export function createDraftMaker (init: DraftMakerInit): DraftMaker {
  return async ({ path, text }, { signal }) => {
    const children = parseDirectorySource(text)
    const draft = children === undefined
      ? await init.generator.generate({ path, bytes: utf8Encode(text) }, { signal })
      : summarizeDirectory(path, await readChildren(children, init, signal))
    for (const warning of draft.warnings ?? []) init.onWarning?.(`${path}: ${warning}`)
    return toItemDraft(draft)
  }
}

async function readChildren (children: readonly string[], init: DraftMakerInit, signal: AbortSignal): Promise<GeneratedDraft[]> {
  const drafts: GeneratedDraft[] = []
  for (const address of children) {
    const item = await init.readChild(address, { signal }).catch(() => undefined)
    if (item !== undefined) drafts.push(fromRecordItem(item))
  }
  return drafts
}

/** A child's stored context as the directory summary needs it. */
function fromRecordItem (item: ContextItem): GeneratedDraft {
  const path = item.address.replace(/^ucxl:\/\/[^/]*\//, '')
  return {
    path,
    summary: item.summary,
    purpose: item.purpose ?? '',
    definitions: [],
    imports: [],
    technologies: item.technologies,
    tags: item.tags,
    insights: item.insights,
    importance: Number(item.metadata?.importance ?? 0) || 0,
    language: item.metadata?.language ?? 'text',
    generator: { name: item.metadata?.generator ?? 'unknown', version: item.metadata?.generatorVersion ?? '' }
  }
}
