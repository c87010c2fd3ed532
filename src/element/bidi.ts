/**
 * Bidi embedding, override and isolate controls (LRE, RLE, PDF, LRO, RLO,
 * LRI, RLI, FSI, PDI). In untrusted text they reorder what is displayed:
 * "\u202Egnp.exe" shows as "exe.png". CSS isolation (unicode-bidi: isolate)
 * keeps their effect inside one element, but not inside the string itself, so
 * the string shows them as visible markers instead. Implicit right-to-left
 * text (Arabic, Hebrew) and the LRM/RLM marks are left alone: they display
 * what they are.
 */
const DIRECTION_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/gu

export function showDirectionControls (text: string): string {
  return text.replace(DIRECTION_CONTROLS, control => `[U+${(control.codePointAt(0) as number).toString(16).toUpperCase()}]`)
}
