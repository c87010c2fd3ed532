import { invalid, type Locate } from './invalid.ts'
import { normaliseSegment } from './segment.ts'

/**
 * Splits a path ('' or '/'-prefixed) into canonical segments. '' and '/' are the root;
 * there is no trailing-slash form of any other path, so each resource has one spelling.
 */
export function parsePath (path: string, locate: Locate): string[] {
  if (path === '' || path === '/') return []
  if (path.charCodeAt(0) !== 0x2f) throw invalid("path must start with '/'", locate(0))
  const segments: string[] = []
  let start = 1
  for (;;) {
    const slash = path.indexOf('/', start)
    const end = slash === -1 ? path.length : slash
    if (end === start) {
      if (slash === -1) throw invalid("trailing '/' is only allowed on the root path", locate(start - 1))
      throw invalid("empty path segment ('//')", locate(start))
    }
    segments.push(normaliseSegment(path.slice(start, end), (i) => locate(start + i)))
    if (slash === -1) return segments
    start = slash + 1
  }
}
