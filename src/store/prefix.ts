// Exclusive upper bounds for prefix ranges: the smallest string greater than every
// string that starts with `prefix`, or undefined when there is none (empty prefix, or
// one made only of the largest character). Unlike `prefix + '\uffff'` they also cover
// keys that continue with U+FFFF or an astral character after the prefix. Backends
// order strings differently, hence two versions.

/** For backends ordering by UTF-16 code unit (IndexedDB, JS string comparison). */
export function prefixUpperBound (prefix: string): string | undefined {
  let end = prefix.length
  while (end > 0 && prefix.charCodeAt(end - 1) === 0xffff) end--
  if (end === 0) return undefined
  return prefix.slice(0, end - 1) + String.fromCharCode(prefix.charCodeAt(end - 1) + 1)
}

/**
 * For backends ordering by UTF-8 bytes, which is code point order (LevelDB). The
 * prefix must be well-formed: a lone surrogate has no UTF-8 form.
 */
export function prefixUpperBoundUtf8 (prefix: string): string | undefined {
  const points = Array.from(prefix, char => char.codePointAt(0) ?? 0)
  for (let end = points.length - 1; end >= 0; end--) {
    const last = points[end] ?? 0
    if (last === 0x10ffff) continue
    // Surrogate code points have no UTF-8 form; the next character after U+D7FF is U+E000.
    const next = last === 0xd7ff ? 0xe000 : last + 1
    return String.fromCodePoint(...points.slice(0, end), next)
  }
  return undefined
}
