import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { PackageFile } from './languages.ts'

// The grammars' .wasm and tags.scm come from npm packages: createRequire +
// readFileSync resolve and read node_modules the same way on Node, Bun and
// Deno, with no bundler and no fetch of file: URLs. Generators run on
// coordinators (server runtimes), never in a browser tab, so this is the only
// adapter there is.
const require = createRequire(import.meta.url)

export function readPackageFile (file: PackageFile): Uint8Array {
  const from = file.from === undefined ? require : createRequire(require.resolve(`${file.from}/package.json`))
  return readFileSync(from.resolve(file.spec))
}
