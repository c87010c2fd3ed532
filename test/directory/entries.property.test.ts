import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidRecordError } from '../../src/errors.ts'
import { LISTED_TYPES, decodeDirectory, encodeDirectory } from '../../src/directory/entries.ts'
import type { DirectoryLine } from '../../src/directory/entries.ts'
import { DIRECTORY_SHARDS, directoryAddress, isReservedAddress, shardOf } from '../../src/directory/layout.ts'

const segment = fc.stringMatching(/^[a-z0-9_-]{1,12}$/)
const line: fc.Arbitrary<DirectoryLine> = fc.tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.constantFrom(...LISTED_TYPES))
  .filter(([segments]) => segments[0] !== '.slurp')
  .map(([segments, type]) => [`ucxl://proj/${segments.join('/')}`, type] as const)

describe('directory records', () => {
  it('round-trip any set of lines, and equal sets encode to equal bodies', () => {
    fc.assert(fc.property(fc.uniqueArray(line, { selector: ([address, type]) => `${type} ${address}`, maxLength: 30 }), lines => {
      const body = encodeDirectory(lines)
      expect(decodeDirectory(body, 'proj')).toEqual([...lines].sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
      expect(encodeDirectory([...lines].reverse())).toBe(body)
    }), { seed: 0xd12, numRuns: 300 })
  })

  it('refuse anything else with InvalidRecordError: garbage, another project, a reserved or non-canonical address, an unknown type', () => {
    const bad = fc.oneof(
      fc.string(),
      fc.json(),
      fc.constant('{"v":1,"lines":[["ucxl://other/x","context"]]}'),
      fc.constant('{"v":1,"lines":[["ucxl://proj/.slurp/directory/r/0","context"]]}'),
      fc.constant('{"v":1,"lines":[["UCXL://proj/x","context"]]}'),
      fc.constant('{"v":1,"lines":[["ucxl://proj/x","suggestion"]]}'),
      fc.constant('{"v":2,"lines":[]}'),
      fc.constant('{"v":1,"lines":[["ucxl://proj/../x","context"]]}')
    )
    fc.assert(fc.property(bad, body => {
      try {
        decodeDirectory(body, 'proj')
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidRecordError)
        return
      }
      // Only a valid directory of this project decodes (fc.json() can make one by chance: {"v":1,"lines":[]}).
      expect(JSON.parse(body)).toMatchObject({ v: 1 })
    }), { seed: 0xd13, numRuns: 500 })
  })

  it('spread addresses over every shard, at reserved addresses', () => {
    const shards = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`ucxl://proj/file-${i}`)))
    expect([...shards].sort((a, b) => a - b)).toEqual(Array.from({ length: DIRECTORY_SHARDS }, (_, i) => i))
    expect(isReservedAddress(directoryAddress('proj', 'backend_developer', 3))).toBe(true)
    expect(isReservedAddress('ucxl://proj/src/.slurp')).toBe(false)
  })
})
