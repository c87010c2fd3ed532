import type { ContextDraft } from '../../src/record/context-item.ts'

/** A file description of the size agents write (the record suite's draft): ~2.3 KB on the wire once encrypted and signed. */
export function contextDraft (index: number): ContextDraft {
  return {
    summary: `Entry point ${index}: parses flags, opens the store, serves the API`,
    technologies: ['go', 'sqlite'],
    tags: ['entrypoint'],
    body: 'Why it is shaped this way. '.repeat(24)
  }
}

/** Distinct addresses per scenario, so no put is an update and no get hits a cache. */
export function meshAddress (scenario: string, index: number): string {
  return `ucxl://bench-${scenario}/src/file-${index}.go`
}
