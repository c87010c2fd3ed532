import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

// The web peer: the app (index.html) and the embedding example (embed.html),
// built from the package's source with its browser adapters (#transports,
// #age-x25519, #age-aead) picked by the "browser" condition.
export default defineConfig({
  root: here('.'),
  base: './',
  resolve: { conditions: ['slurp-source', 'browser', 'module', 'import', 'default'] },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2048,
    rollupOptions: { input: { index: here('index.html'), embed: here('embed.html') } }
  },
  server: { host: '127.0.0.1', port: 5173 }
})
