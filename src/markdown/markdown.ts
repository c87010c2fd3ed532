/**
 * A small, safe subset of Markdown for context bodies, parsed to plain data:
 * a view turns it into DOM nodes (text, never HTML), so nothing in a body can
 * run script or style the page. Headings, paragraphs, bullet and numbered
 * lists, fenced code, and inline code, bold, italic and http(s) links.
 */
export type Inline =
  | { readonly kind: 'text', readonly text: string }
  | { readonly kind: 'code' | 'strong' | 'em', readonly text: string }
  | { readonly kind: 'link', readonly text: string, readonly href: string }

export type Block =
  | { readonly kind: 'heading', readonly level: number, readonly inline: readonly Inline[] }
  | { readonly kind: 'paragraph', readonly inline: readonly Inline[] }
  | { readonly kind: 'list', readonly ordered: boolean, readonly items: ReadonlyArray<readonly Inline[]> }
  | { readonly kind: 'code', readonly text: string, readonly lang: string }

export function parseMarkdown (source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n')
  const blocks: Block[] = []
  let paragraph: string[] = []
  const endParagraph = (): void => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', inline: parseInline(paragraph.join(' ')) })
    paragraph = []
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    const fence = /^\s*```(.*)$/.exec(line)
    if (fence !== null) {
      endParagraph()
      const code: string[] = []
      // Only a bare ``` closes the block; an unclosed one runs to the end.
      for (i++; i < lines.length && (lines[i] as string).trim() !== '```'; i++) code.push(lines[i] as string)
      blocks.push({ kind: 'code', text: code.join('\n'), lang: (fence[1] as string).trim() })
      continue
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line)
    if (heading !== null) {
      endParagraph()
      blocks.push({ kind: 'heading', level: (heading[1] as string).length, inline: parseInline((heading[2] as string).trim()) })
      continue
    }
    const item = /^\s*(?:([-*+])|(\d{1,9})[.)])\s+(.*)$/.exec(line)
    if (item !== null) {
      endParagraph()
      const ordered = item[2] !== undefined
      const last = blocks.at(-1)
      const inline = parseInline(item[3] as string)
      if (last?.kind === 'list' && last.ordered === ordered) blocks[blocks.length - 1] = { ...last, items: [...last.items, inline] }
      else blocks.push({ kind: 'list', ordered, items: [inline] })
      continue
    }
    if (line.trim() === '') endParagraph()
    else paragraph.push(line.trim())
  }
  endParagraph()
  return blocks
}

const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_|\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g

export function parseInline (text: string): Inline[] {
  const out: Inline[] = []
  let at = 0
  for (const match of text.matchAll(INLINE)) {
    const index = match.index
    if (index > at) out.push({ kind: 'text', text: text.slice(at, index) })
    if (match[1] !== undefined) out.push({ kind: 'code', text: match[1] })
    else if (match[2] !== undefined) out.push({ kind: 'strong', text: match[2] })
    else if (match[3] !== undefined || match[4] !== undefined) out.push({ kind: 'em', text: (match[3] ?? match[4]) as string })
    else out.push({ kind: 'link', text: match[5] as string, href: match[6] as string })
    at = index + match[0].length
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) })
  return out
}
