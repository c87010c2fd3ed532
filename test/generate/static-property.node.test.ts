import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BinarySourceError, SourceTooLargeError } from '../../src/errors.ts'
import { createStaticGenerator, summarizeDirectory, toItemDraft } from '../../src/generate/index.ts'
import type { ContextDraft } from '../../src/generate/index.ts'
import { parseContextItem } from '../../src/record/context-item.ts'
import { GOLDEN_LAYOUT, goldenBytes } from './fixture-repo.ts'

// No input crashes the static generator: it drafts, or refuses with one of the
// two named errors, and every draft is one the record validator accepts.
const generator = createStaticGenerator({ maxBytes: 256 * 1024, timeBudgetMs: 1000 })
const EXTENSIONS = ['ts', 'tsx', 'mts', 'js', 'mjs', 'cjs', 'jsx', 'py', 'go', 'rs', 'sh', 'bash', 'md', 'json', 'yml', 'toml', 'txt', 'xyz', '']
const anyPath = fc.oneof(
  fc.tuple(fc.stringMatching(/^[a-z0-9_/.-]{0,30}$/), fc.constantFrom(...EXTENSIONS)).map(([stem, ext]) => ext === '' ? stem : `${stem}.${ext}`),
  fc.constantFrom('package.json', 'go.mod', 'Cargo.toml', 'pyproject.toml', 'Dockerfile', 'Makefile', 'a/b/index.ts', 'src/lib.rs'),
  fc.string({ maxLength: 40 })
)
const SHEBANGS = ['#!/bin/sh\n', '#!/usr/bin/env python3\n', '#!/usr/bin/env node\n', '']

function checkDraft (draft: ContextDraft): void {
  expect(draft.summary.length).toBeGreaterThan(0)
  expect(typeof draft.purpose).toBe('string')
  expect(draft.importance).toBeGreaterThanOrEqual(0)
  expect(draft.importance).toBeLessThanOrEqual(1)
  expect(draft.generator).toEqual({ name: 'static', version: '1.0.0' })
  for (const d of draft.definitions) {
    expect(d.name.length).toBeGreaterThan(0)
    expect(Number.isInteger(d.line) && d.line >= 1).toBe(true)
  }
  for (const list of [draft.imports, draft.technologies, draft.tags, draft.insights]) for (const entry of list) expect(typeof entry).toBe('string')
  parseContextItem({ ...toItemDraft(draft), address: 'ucxl://fuzz/file', creatorRole: 'project_manager', createdAt: new Date(0).toISOString(), updatedAt: new Date(0).toISOString() })
}

async function draftOrRefusal (path: string, bytes: Uint8Array): Promise<ContextDraft | undefined> {
  try {
    const draft = await generator.generate({ path, bytes }, {})
    checkDraft(draft)
    return draft
  } catch (error) {
    if (error instanceof BinarySourceError || error instanceof SourceTooLargeError) return undefined
    throw error
  }
}

describe('static generator never crashes', () => {
  it('on random bytes under any path', async () => {
    await fc.assert(fc.asyncProperty(anyPath, fc.uint8Array({ maxLength: 3000 }), async (path, bytes) => {
      await draftOrRefusal(path, bytes)
    }), { numRuns: 150 })
  })

  it('on random text in every language (it must draft: text with no NUL is never refused)', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 2000 }).filter(s => !s.includes('\0'))
    await fc.assert(fc.asyncProperty(fc.constantFrom(...EXTENSIONS), fc.constantFrom(...SHEBANGS), text, async (ext, shebang, body) => {
      const bytes = new TextEncoder().encode(shebang + body)
      const draft = await generator.generate({ path: `src/file${ext === '' ? '' : `.${ext}`}`, bytes }, {})
      checkDraft(draft)
    }), { numRuns: 150 })
  })

  it('on huge lines and deep nesting', async () => {
    // Deep nesting sends tree-sitter's error recovery into long searches: this is where the time budget
    // (short here, to keep the test quick) hands the file to the generic scanners instead.
    const hasty = createStaticGenerator({ timeBudgetMs: 250 })
    const unit = fc.constantFrom('a', '(', '{', '[', '"', '/*', '#', '\\', 'fn ', 'def ', '<div>', '- ', '`')
    await fc.assert(fc.asyncProperty(fc.constantFrom('ts', 'tsx', 'js', 'py', 'go', 'rs', 'sh', 'md', 'json', 'yml', 'xyz'), unit, fc.integer({ min: 1_000, max: 60_000 }), async (ext, piece, times) => {
      const draft = await hasty.generate({ path: `deep.${ext}`, bytes: new TextEncoder().encode(piece.repeat(times)) }, {})
      checkDraft(draft)
    }), { numRuns: 30 })
  })

  it('leaves the parser clean after a parse cut short by its time budget', async () => {
    const hasty = createStaticGenerator({ timeBudgetMs: 20 })
    const cut = await hasty.generate({ path: 'deep.ts', bytes: new TextEncoder().encode('('.repeat(60_000)) }, {})
    expect(cut.warnings).toEqual(['static: parsing took longer than 20 ms; only generic facts were extracted'])
    const next = await generator.generate({ path: 'src/sample.ts', bytes: goldenBytes('src/sample.ts') }, {})
    expect(next.warnings).toBeUndefined()
    expect(next.definitions.map(d => d.name)).toEqual(['Sized', 'Unit', 'Mode', 'UNITS', 'schema', 'formatBytes', 'Formatter', 'format', 'load'])
  })

  it('on real sources with invalid UTF-8 sprinkled in', async () => {
    const paths = Object.keys(GOLDEN_LAYOUT)
    const corruption = fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0x80, max: 0xff }) }), { minLength: 1, maxLength: 8 })
    await fc.assert(fc.asyncProperty(fc.constantFrom(...paths), corruption, async (path, bad) => {
      const bytes = [...goldenBytes(path)]
      for (const { at, byte } of bad) bytes.splice(at % (bytes.length + 1), 0, byte)
      // A few bad bytes (the fixtures are ASCII: one replacement character each) are text with flaws, not binary: it must be drafted.
      const draft = await generator.generate({ path, bytes: Uint8Array.from(bytes) }, {})
      checkDraft(draft)
    }), { numRuns: 100 })
  })

  it('refuses binary and oversized sources with named errors', async () => {
    await expect(generator.generate({ path: 'a.ts', bytes: Uint8Array.from([104, 105, 0, 33]) }, {})).rejects.toBeInstanceOf(BinarySourceError)
    const random = Uint8Array.from({ length: 4000 }, (_, i) => 128 + ((i * 7919) % 128))
    await expect(generator.generate({ path: 'a.ts', bytes: random }, {})).rejects.toBeInstanceOf(BinarySourceError)
    await expect(generator.generate({ path: 'a.ts', bytes: new Uint8Array(256 * 1024 + 1).fill(97) }, {})).rejects.toBeInstanceOf(SourceTooLargeError)
  })

  it('stops on an aborted signal before reading', async () => {
    const controller = new AbortController()
    controller.abort(new Error('no longer wanted'))
    await expect(generator.generate({ path: 'a.ts', bytes: new TextEncoder().encode('const a = 1') }, { signal: controller.signal })).rejects.toThrow('no longer wanted')
  })

  it('summarises any set of drafts into a directory', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(anyPath, fc.string({ maxLength: 300 })), { maxLength: 8 }), async (entries) => {
      const drafts: ContextDraft[] = []
      for (const [path, text] of entries) {
        const draft = await draftOrRefusal(path, new TextEncoder().encode(text))
        if (draft !== undefined) drafts.push(draft)
      }
      const dir = summarizeDirectory('some/dir', drafts)
      expect(dir.children).toHaveLength(drafts.length)
      parseContextItem({ ...toItemDraft(dir), address: 'ucxl://fuzz/some/dir', creatorRole: 'project_manager', createdAt: new Date(0).toISOString(), updatedAt: new Date(0).toISOString() })
    }), { numRuns: 40 })
  })
})
