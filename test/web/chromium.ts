/**
 * Debian's Chromium, never a downloaded one, for every browser test (vitest
 * browser mode, the playwright app tests) and the web benchmarks. The flags
 * keep it off the network this machine does not have (background services,
 * QUIC) and let it run as root in CI.
 */
export const CHROMIUM_PATH = process.env.SLURP_CHROMIUM ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]
