import { h } from '../../../src/element/dom.ts'
import { parseMarkdown } from '../../../src/markdown/markdown.ts'
import type { Block, Inline } from '../../../src/markdown/markdown.ts'

/** A body as Markdown, built from text nodes only: nothing in it becomes HTML. */
export function markdownView (source: string): HTMLElement {
  return h('div', { class: 'markdown', 'data-testid': 'markdown' }, parseMarkdown(source).map(blockNode))
}

function blockNode (block: Block): HTMLElement {
  switch (block.kind) {
    case 'heading': return h(`h${Math.min(6, block.level + 3)}`, {}, block.inline.map(inlineNode))
    case 'paragraph': return h('p', {}, block.inline.map(inlineNode))
    case 'list': return h(block.ordered ? 'ol' : 'ul', {}, block.items.map(item => h('li', {}, item.map(inlineNode))))
    case 'code': return h('pre', { class: 'body', 'data-lang': block.lang }, block.text)
  }
}

function inlineNode (inline: Inline): HTMLElement | string {
  switch (inline.kind) {
    case 'text': return inline.text
    case 'code': return h('code', {}, inline.text)
    case 'strong': return h('strong', {}, inline.text)
    case 'em': return h('em', {}, inline.text)
    case 'link': return h('a', { href: inline.href, rel: 'noopener noreferrer nofollow', target: '_blank' }, inline.text)
  }
}
