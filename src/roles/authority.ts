/** The five authority levels, strongest first. */
export const AUTHORITY_LEVELS = ['master', 'decision', 'coordination', 'suggestion', 'read_only'] as const
export type AuthorityLevel = typeof AUTHORITY_LEVELS[number]

/** What a record says it is; the policy decides which authority may write which. */
export const CONTENT_TYPES = ['context', 'decision', 'suggestion', 'task'] as const
export type ContentType = typeof CONTENT_TYPES[number]

export type WriteRules = Readonly<Record<AuthorityLevel, readonly ContentType[]>>

/**
 * The default write rules. `read_only` writes nothing, `suggestion` only
 * suggestions; coordination roles describe code and plan tasks but do not
 * decide; decision and master write everything.
 */
export const DEFAULT_WRITE_RULES: WriteRules = {
  master: ['context', 'decision', 'suggestion', 'task'],
  decision: ['context', 'decision', 'suggestion', 'task'],
  coordination: ['context', 'suggestion', 'task'],
  suggestion: ['suggestion'],
  read_only: []
}

export function isAuthorityLevel (value: unknown): value is AuthorityLevel {
  return typeof value === 'string' && (AUTHORITY_LEVELS as readonly string[]).includes(value)
}

export function isContentType (value: unknown): value is ContentType {
  return typeof value === 'string' && (CONTENT_TYPES as readonly string[]).includes(value)
}

/** Positive when `a` outranks `b`. */
export function compareAuthority (a: AuthorityLevel, b: AuthorityLevel): number {
  return AUTHORITY_LEVELS.indexOf(b) - AUTHORITY_LEVELS.indexOf(a)
}

export function mayWrite (rules: WriteRules, level: AuthorityLevel, type: ContentType): boolean {
  return rules[level].includes(type)
}
