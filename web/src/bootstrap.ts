/**
 * Relays to dial: every relay the tab knows of, together — ?relay=MULTIADDR
 * (repeatable) in the page URL, what the relay that served the page lists at
 * /v1/bootstrap, and the invite's own list. A ?relay= adds to the others,
 * never replaces them: a link with one extra relay must not cut a tab off
 * from the relays its network told it about.
 */
export function bootstrapFromUrl (): string[] {
  return new URLSearchParams(location.search).getAll('relay').map(value => value.trim()).filter(value => value !== '')
}

export async function bootstrapFromOrigin (signal: AbortSignal = AbortSignal.timeout(3000)): Promise<string[]> {
  try {
    const response = await fetch(new URL('v1/bootstrap', location.href), { signal })
    if (!response.ok) return []
    const body = await response.json() as { relays?: Array<{ multiaddrs?: string[] }> }
    return (body.relays ?? []).flatMap(relay => relay.multiaddrs ?? [])
  } catch {
    // Served by something that is not a relay (vite's dev server, a CDN): the other lists remain.
    return []
  }
}

/** The union of the three lists, in order of precedence, each address once. */
export async function relaysToDial (fromInvite: readonly string[], signal?: AbortSignal): Promise<string[]> {
  return [...new Set([...bootstrapFromUrl(), ...await bootstrapFromOrigin(signal), ...fromInvite])]
}
