/**
 * age's recipient stanzas and the two sides that make and read them, shaped
 * like typage's (`age-encryption`) Stanza, Recipient and Identity: typage's
 * classes and our X25519StanzaRecipient / X25519StanzaIdentity fit as they are.
 */
export interface Stanza {
  /** The words after "-> ": the recipient type, then its arguments. */
  readonly args: string[]
  readonly body: Uint8Array
}

export interface Recipient {
  /** Called once per file with its fresh 16-byte file key. */
  wrapFileKey (fileKey: Uint8Array): Stanza[] | Promise<Stanza[]>
}

export interface Identity {
  /**
   * The file key, or null when no stanza is for this identity. Throws only for
   * a stanza it recognises as its own that is invalid.
   */
  unwrapFileKey (stanzas: Stanza[]): Uint8Array | null | Promise<Uint8Array | null>
}

/** age's "arbitrary string": one or more ASCII characters from 33 ('!') to 126 ('~'). */
export function isArbitraryString (value: string): boolean {
  if (value.length === 0) return false
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code < 33 || code > 126) return false
  }
  return true
}
