import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseMarkdown } from '../../src/markdown/markdown.ts'
import type { Block, Inline } from '../../src/markdown/markdown.ts'

function inlines (blocks: readonly Block[]): Inline[] {
  return blocks.flatMap(block => block.kind === 'code' ? [] : block.kind === 'list' ? block.items.flat() : [...block.inline])
}

describe('the Markdown subset', () => {
  it('parses the common shapes of a context body', () => {
    const blocks = parseMarkdown('# Relays\n\nThey store **what** they cannot `read`.\nSee [the docs](https://example.org/d).\n\n- one\n- *two*\n1. first\n\n```\nconst x = 1 < 2\n```')
    expect(blocks).toEqual([
      { kind: 'heading', level: 1, inline: [{ kind: 'text', text: 'Relays' }] },
      {
        kind: 'paragraph',
        inline: [
          { kind: 'text', text: 'They store ' }, { kind: 'strong', text: 'what' }, { kind: 'text', text: ' they cannot ' }, { kind: 'code', text: 'read' },
          { kind: 'text', text: '. See ' }, { kind: 'link', text: 'the docs', href: 'https://example.org/d' }, { kind: 'text', text: '.' }
        ]
      },
      { kind: 'list', ordered: false, items: [[{ kind: 'text', text: 'one' }], [{ kind: 'em', text: 'two' }]] },
      { kind: 'list', ordered: true, items: [[{ kind: 'text', text: 'first' }]] },
      { kind: 'code', text: 'const x = 1 < 2', lang: '' }
    ])
  })

  it('never throws, links only to http(s), and loses no word of the text', () => {
    const text = fc.array(fc.oneof(fc.string(), fc.constantFrom('**', '*', '`', '[a](javascript:alert(1))', '[b](https://x.y/z)', '# ', '- ', '1. ', '```', '\n', '<script>')), { maxLength: 30 }).map(parts => parts.join(''))
    fc.assert(fc.property(text, source => {
      const blocks = parseMarkdown(source)
      for (const inline of inlines(blocks)) if (inline.kind === 'link') expect(inline.href).toMatch(/^https?:\/\//)
      const rendered = [...inlines(blocks).map(inline => inline.text), ...blocks.flatMap(block => block.kind === 'code' ? [block.lang, block.text] : [])].join(' ')
      for (const word of source.split(/[\s*`#[\]()_+\-.0-9]+/).filter(w => /^[a-z]{3,}$/i.test(w))) expect(rendered).toContain(word)
    }), { seed: 0x3d, numRuns: 500 })
  })
})
