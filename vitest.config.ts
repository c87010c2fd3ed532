import { defineConfig } from 'vitest/config'
import { playwright } from '@vitest/browser-playwright'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/web/chromium.ts'

// Tests named *.node.test.ts run only on the server runtime, *.browser.test.ts only in
// Chromium; every other *.test.ts runs in both, because the core must work in both.
const sourceConditions = ['slurp-source']

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { conditions: sourceConditions },
        ssr: { resolve: { conditions: sourceConditions, externalConditions: sourceConditions } },
        test: {
          name: 'node',
          environment: 'node',
          // What the Node entry (src/index.node.ts) loads first: Node 20 needs it for libp2p.
          setupFiles: ['./src/runtime/node-shim.ts'],
          include: ['test/**/*.test.ts'],
          // The Node 22 pass (test/run.mjs, SLURP_REPEAT_PASS) leaves out test/web: those
          // tests drive Chromium, which behaves the same whichever Node drives it; and
          // test/bench, a short load run (40 s) that the first pass has already made.
          exclude: ['test/**/*.browser.test.ts', ...(process.env.SLURP_REPEAT_PASS === '1' ? ['test/web/**', 'test/bench/**'] : [])],
          testTimeout: 30_000,
          hookTimeout: 30_000
        }
      },
      {
        resolve: { conditions: sourceConditions },
        // Pre-bundled up front, so Vite does not reload the page mid-run to optimise them:
        // a dependency found mid-run failed a test file's import ("Failed to fetch
        // dynamically imported module"). Every bare import the browser tests reach is here.
        optimizeDeps: {
          include: ['fast-check', '@scure/base', 'age-encryption', 'idb-keyval', '@noble/hashes/sha2.js', '@noble/ciphers/chacha.js',
            '@noble/curves/ed25519.js', '@noble/hashes/hkdf.js', '@noble/hashes/hmac.js', '@multiformats/multiaddr', 'shamir-secret-sharing', 'minisearch']
        },
        test: {
          name: 'browser',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.node.test.ts'],
          testTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }
            }),
            instances: [{ browser: 'chromium' }]
          }
        }
      }
    ]
  }
})
