/** Longest accepted address, in UTF-16 code units, both as given and in canonical form. */
export const MAX_ADDRESS_LENGTH = 2048

/** Longest agent, role, project or task name. */
export const MAX_IDENTIFIER_LENGTH = 64

/** A parsed, validated ucxl:// address. Objects from parseAddress are frozen. */
export interface UcxlAddress {
  /** From 'agent:role@' or 'agent@'. */
  readonly agent?: string
  readonly role?: string
  readonly project: string
  /** From 'project:task'. */
  readonly task?: string
  /** Path segments in canonical (normalised, percent-encoded) form; empty at the root. */
  readonly segments: readonly string[]
  /** '/' + segments.join('/'); '/' for the root. */
  readonly path: string
  /** The canonical string form. */
  readonly canonical: string
}

interface Identifiers {
  readonly agent?: string | undefined
  readonly role?: string | undefined
  readonly project: string
  readonly task?: string | undefined
}

/**
 * What formatAddress takes: the identifiers and the path, either as segments (each in
 * percent-encoded form, no '/') or as a path string. A UcxlAddress fits.
 */
export type AddressFields = Identifiers & (
  | { readonly segments: readonly string[], readonly path?: string | undefined }
  | { readonly path: string, readonly segments?: readonly string[] | undefined }
)
