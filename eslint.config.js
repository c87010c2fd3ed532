import neostandard from 'neostandard'

// JavaScript Standard Style for TypeScript (the style the code is written in).
export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.slurp/**'] })
]
