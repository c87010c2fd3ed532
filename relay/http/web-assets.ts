import { readdir, readFile } from 'node:fs/promises'
import { extname, join, relative, sep } from 'node:path'
import type { Hono } from 'hono'
import { contentSecurityPolicy, webSocketSources } from './content-security.ts'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8'
}

export interface WebAsset {
  readonly body: Uint8Array<ArrayBuffer>
  readonly type: string
}

/**
 * The built web app (vite's output, a few hundred kB), read into memory once:
 * the relay serves it without touching the disk per request, and a path can
 * never reach outside the folder because only files found at start exist.
 */
export async function loadWebAssets (folder: string): Promise<Map<string, WebAsset>> {
  const assets = new Map<string, WebAsset>()
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    const url = `/${relative(folder, path).split(sep).join('/')}`
    assets.set(url, { body: new Uint8Array(await readFile(path)), type: TYPES[extname(path)] ?? 'application/octet-stream' })
  }
  return assets
}

/** GET / and every asset; vite's hashed /assets/* are immutable, pages always revalidate. */
export function registerWebRoutes (app: Hono, assets: ReadonlyMap<string, WebAsset>): void {
  app.get('*', async (c, next) => {
    const path = c.req.path === '/' ? '/index.html' : c.req.path
    const asset = assets.get(path) ?? assets.get(`${path}.html`)
    if (asset === undefined) return await next()
    // Pages get connect-src bounded to the relays' hosts (content-security.ts); scripts and styles need none.
    const connect = asset.type.startsWith('text/html') ? webSocketSources(await bootstrapAddresses(app), c.req.url) : []
    return c.body(asset.body, 200, {
      'content-type': asset.type,
      'cache-control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      // Role keys live in this page: no framing by other sites, no third-party scripts.
      'x-frame-options': 'DENY',
      'content-security-policy': contentSecurityPolicy(connect)
    })
  })
}

/** What this app answers at /v1/bootstrap (this relay and the certified relays it knows), asked in-process so the two never disagree. */
async function bootstrapAddresses (app: Hono): Promise<string[]> {
  try {
    const response = await app.request('/v1/bootstrap')
    if (!response.ok) return []
    const body = await response.json() as { relays?: Array<{ multiaddrs?: unknown }> }
    return (body.relays ?? []).flatMap(relay => Array.isArray(relay.multiaddrs) ? relay.multiaddrs.filter((a): a is string => typeof a === 'string') : [])
  } catch {
    return []
  }
}
