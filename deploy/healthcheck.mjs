#!/usr/bin/env node
// The container health check of a slurp relay: exits 0 when the relay's HTTP
// API answers GET /health with 200 (it answers 503 until the relay has
// started), 1 otherwise. Node rather than curl: node:*-slim images have no curl.
//
// It asks the address the relay serves on, $SLURP_HTTP (default
// 127.0.0.1:4080), on loopback when that is a wildcard; $SLURP_HEALTH_URL
// overrides it. A relay started with --http off has nothing to ask.
const TIMEOUT_MS = 4000

function healthUrl (env) {
  if (env.SLURP_HEALTH_URL) return env.SLURP_HEALTH_URL
  const http = env.SLURP_HTTP ?? '127.0.0.1:4080'
  if (http === 'off') return undefined
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(http)
  if (match === null) return undefined
  const host = match[1] ?? match[2]
  const local = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : match[1] === undefined ? host : `[${host}]`
  return `http://${local}:${match[3]}/health`
}

const url = healthUrl(process.env)
if (url === undefined) {
  console.error(`healthcheck: no HTTP API to ask (SLURP_HTTP=${process.env.SLURP_HTTP}); set SLURP_HEALTH_URL or turn the check off`)
  process.exit(1)
}
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) })
  await response.body?.cancel()
  if (response.status !== 200) console.error(`healthcheck: ${url} answered ${response.status}`)
  process.exit(response.status === 200 ? 0 : 1)
} catch (error) {
  console.error(`healthcheck: ${url}: ${error.message}`)
  process.exit(1)
}
