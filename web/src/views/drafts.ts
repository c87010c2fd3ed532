/**
 * The app re-renders whole views (a connection change, a new version, a busy
 * state). What the user has typed must survive that: a write that fails would
 * otherwise lose its text, and a status change between typing and clicking
 * would submit the form's default instead of what the user entered.
 */

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement

interface Drafts {
  readonly values: Map<string, string>
  readonly focused?: { id: string, start: number | null, end: number | null }
}

function controls (root: ParentNode): Array<{ id: string, control: Control }> {
  const found: Array<{ id: string, control: Control }> = []
  for (const form of root.querySelectorAll<HTMLFormElement>('form[data-form]')) {
    for (const control of form.querySelectorAll<Control>('input[name], textarea[name], select[name]')) {
      // A file input's value cannot be set back, and is read when chosen anyway.
      if (control instanceof HTMLInputElement && control.type === 'file') continue
      found.push({ id: `${form.dataset.form ?? ''}/${control.name}`, control })
    }
  }
  return found
}

/** What the user has typed in every form under `root`, and where the caret is. */
export function saveDrafts (root: ParentNode): Drafts {
  const values = new Map<string, string>()
  let focused: Drafts['focused']
  for (const { id, control } of controls(root)) {
    values.set(id, control.value)
    if (control === document.activeElement) {
      const caret = control instanceof HTMLSelectElement ? { start: null, end: null } : selection(control)
      focused = { id, ...caret }
    }
  }
  return { values, ...(focused === undefined ? {} : { focused }) }
}

/** Puts the drafts back into the re-rendered forms, except those of `cleared` forms (just submitted). */
export function restoreDrafts (root: ParentNode, drafts: Drafts, cleared: ReadonlySet<string> = new Set()): void {
  for (const { id, control } of controls(root)) {
    if (cleared.has(id.slice(0, id.indexOf('/')))) continue
    const value = drafts.values.get(id)
    if (value !== undefined && value !== control.value && !(control instanceof HTMLSelectElement && ![...control.options].some(option => option.value === value))) {
      control.value = value
      // Views derive text from some choices (the write view's readers line).
      if (control instanceof HTMLSelectElement) control.dispatchEvent(new Event('change'))
    }
    if (drafts.focused?.id === id) {
      control.focus()
      if (!(control instanceof HTMLSelectElement) && drafts.focused.start !== null) {
        try {
          control.setSelectionRange(drafts.focused.start, drafts.focused.end)
        } catch {
          // Some input types (email, number) have no selection.
        }
      }
    }
  }
}

function selection (control: HTMLInputElement | HTMLTextAreaElement): { start: number | null, end: number | null } {
  try {
    return { start: control.selectionStart, end: control.selectionEnd }
  } catch {
    return { start: null, end: null }
  }
}
