import { h } from '../../../src/element/dom.ts'
import type { Child } from '../../../src/element/dom.ts'
import { explain } from './format.ts'

export type Tab = 'read' | 'browse' | 'write' | 'search' | 'peers' | 'keys'

/** What a view may ask of the app shell. */
export interface View {
  /** Shows a tab, optionally with an address to read. */
  go (tab: Tab, params?: { address?: string }): void
  /** Runs an action for a form: busy state while it runs, its error shown in the form's slot. */
  run (slot: string, action: () => Promise<void>): Promise<void>
  /** The error last shown in a slot (kept across re-renders until the next run). */
  error (slot: string): unknown
  busy (slot: string): boolean
}

/** A labelled field: the label wraps the control, so no ids are needed. */
export function field (label: string, control: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), control)
}

/** A form whose submit runs through view.run with its FormData. */
export function form (view: View, slot: string, submit: (data: FormData) => Promise<void>, ...children: Child[]): HTMLElement {
  const busy = view.busy(slot)
  return h('form', {
    'data-form': slot,
    'aria-busy': busy ? 'true' : 'false',
    onsubmit: async (event: Event) => {
      event.preventDefault()
      const data = new FormData(event.target as HTMLFormElement)
      await view.run(slot, async () => { await submit(data) })
    }
  }, children, errorBox(view.error(slot)))
}

export function errorBox (error: unknown): HTMLElement | undefined {
  if (error === undefined) return undefined
  const { title, detail, code } = explain(error)
  return h('div', { class: 'error', role: 'alert', 'data-code': code },
    h('strong', {}, title), h('p', {}, detail))
}
