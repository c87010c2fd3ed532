import { h } from '../../../src/element/dom.ts'
import type { ContextItem, ResolvedItem, Sourced } from '../../../src/index.browser.ts'

const LISTS = [['tags', 'Tags'], ['technologies', 'Technologies'], ['insights', 'Insights']] as const

/**
 * What the address inherits from its folders (peer.resolve of its parent),
 * grouped by the address each value came from: only what the item does not
 * already say itself, each group one click from its source.
 */
export function inheritedSection (item: ContextItem, above: ResolvedItem | undefined, open: (address: string) => void): HTMLElement | undefined {
  if (above === undefined) return undefined
  const bySource = new Map<string, HTMLElement[]>()
  const add = (entry: Sourced<string>, part: HTMLElement): void => {
    bySource.set(entry.from, [...(bySource.get(entry.from) ?? []), part])
  }
  if ((item.purpose ?? '') === '' && above.purpose !== undefined) add(above.purpose, h('span', { 'data-field': 'purpose' }, above.purpose.value))
  for (const [field, label] of LISTS) {
    const own = new Set(item[field])
    const groups = new Map<string, string[]>()
    for (const entry of above[field]) if (!own.has(entry.value)) groups.set(entry.from, [...(groups.get(entry.from) ?? []), entry.value])
    for (const [from, values] of groups) {
      add({ value: '', from }, h('span', { class: 'chips', 'data-field': field }, h('span', { class: 'muted' }, `${label}: `), values.map(value => h('span', { class: 'chip' }, value))))
    }
  }
  if (bySource.size === 0) return undefined
  return h('section', { class: 'inherited', 'data-testid': 'inherited' },
    h('h4', {}, 'Inherited from its folders'),
    [...bySource].map(([from, parts]) => h('div', { class: 'inherited-from', 'data-from': from },
      h('button', { class: 'link', title: `Read ${from}`, onclick: () => { open(from) } }, from.replace(/^ucxl:\/\//, '')),
      ...parts)))
}
