import { showDirectionControls } from './bidi.ts'

/** Children h() accepts: nodes, text, and nothing (false/undefined/null are skipped). */
export type Child = Node | string | number | false | null | undefined | readonly Child[]

/**
 * A DOM element from a tag, attributes (on* functions become listeners) and
 * children. Text always goes in as text nodes, never as HTML, with direction
 * override controls made visible (bidi.ts): decrypted context is untrusted input.
 */
export function h (tag: string, attributes: Record<string, unknown> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value as EventListener)
    else if (name === 'value' && 'value' in node) (node as HTMLInputElement).value = String(value)
    else node.setAttribute(name, value === true ? '' : String(value))
  }
  append(node, children)
  return node
}

function append (node: HTMLElement, children: readonly Child[]): void {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue
    if (Array.isArray(child)) append(node, child)
    else if (typeof child === 'string') node.append(showDirectionControls(child))
    else node.append(typeof child === 'number' ? String(child) : child as Node)
  }
}
