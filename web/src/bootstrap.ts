/**
 * Relays to dial, in order of precedence: ?relay=MULTIADDR (repeatable) in
 * the page URL, else what the relay that served the page lists at
 * /v1/bootstrap. The invite's own list is added by the caller.
 */
export function bootstrapFromUrl (): string[] {
  return new URLSearchParams(location.search).getAll('relay').filter(value => value.trim() !== '')
}

export async function bootstrapFromOrigin (signal: AbortSignal = AbortSignal.timeout(3000)): Promise<string[]> {
  const fromUrl = bootstrapFromUrl()
  if (fromUrl.length > 0) return fromUrl
  try {
    const response = await fetch(new URL('v1/bootstrap', location.href), { signal })
    if (!response.ok) return []
    const body = await response.json() as { relays?: Array<{ multiaddrs?: string[] }> }
    return (body.relays ?? []).flatMap(relay => relay.multiaddrs ?? [])
  } catch {
    // Served by something that is not a relay (vite's dev server, a CDN): the invite's list remains.
    return []
  }
}
