import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toHex } from '../../src/encoding/bytes.ts'
import {
  EMPTY_ROOT, MemoryTree, consistencyProof, inclusionProof, leafHash, nodeHash, rootFromInclusionProof, verifyConsistency, verifyInclusion
} from '../../src/audit/merkle.ts'

// Known answers published with transparency-dev/merkle (the RFC 6962 reference
// data of certificate-transparency-go): rfc6962/rfc6962_test.go for the
// hashes, proof/verify_test.go for the 8-leaf tree's roots and proofs.
const hex = (text: string): Uint8Array => Uint8Array.from(text.match(/../g) ?? [], byte => parseInt(byte, 16))
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text)

const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex)
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'
]
// (leaf as 1-based in the source, here 0-based index, tree size, proof)
const INCLUSION: Array<[number, number, string[]]> = [
  [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']]
]
const CONSISTENCY: Array<[number, number, string[]]> = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [6, 7, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']]
]

function treeOf (leaves: readonly Uint8Array[]): MemoryTree {
  const tree = new MemoryTree()
  for (const leaf of leaves) tree.append(leaf)
  return tree
}

const reference = treeOf(LEAVES)

describe('RFC 6962 hashing (known answers)', () => {
  it('hashes the empty tree, leaves and nodes as the reference does', () => {
    expect(toHex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(toHex(leafHash(new Uint8Array(0)))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d')
    expect(toHex(leafHash(ascii('L123456')))).toBe('395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56')
    expect(toHex(nodeHash(ascii('N123'), ascii('N456')))).toBe('aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb')
  })

  it('gives the published root of every prefix of the 8 reference leaves', async () => {
    for (let size = 1; size <= 8; size++) expect(toHex(await reference.root(size)), `size ${size}`).toBe(ROOTS[size - 1])
    expect(toHex(await new MemoryTree().root())).toBe(toHex(EMPTY_ROOT))
  })

  it('builds and verifies the published inclusion proofs', async () => {
    for (const [index, size, expected] of INCLUSION) {
      const proof = await reference.inclusionProof(index, size)
      expect(proof.map(toHex), `leaf ${index} of ${size}`).toEqual(expected)
      expect(verifyInclusion(index, size, leafHash(LEAVES[index] as Uint8Array), proof, hex(ROOTS[size - 1] as string))).toBe(true)
    }
  })

  it('builds and verifies the published consistency proofs', async () => {
    for (const [first, second, expected] of CONSISTENCY) {
      const proof = await reference.consistencyProof(first, second)
      expect(proof.map(toHex), `${first} → ${second}`).toEqual(expected)
      expect(verifyConsistency(first, second, hex(ROOTS[first - 1] as string), hex(ROOTS[second - 1] as string), proof)).toBe(true)
    }
  })

  it('refuses the reference suite\'s corrupted inclusion proofs', async () => {
    for (const [index, size] of INCLUSION) {
      const proof = await reference.inclusionProof(index, size)
      const root = hex(ROOTS[size - 1] as string)
      const leaf = leafHash(LEAVES[index] as Uint8Array)
      const probes: Array<[number, number, Uint8Array, Uint8Array[], Uint8Array]> = [
        [index - 1, size, leaf, proof, root], [index + 1, size, leaf, proof, root], [index ^ 2, size, leaf, proof, root],
        [index, size * 2, leaf, proof, root], [index, Math.floor(size / 2), leaf, proof, root],
        [index, size, leafHash(ascii('WrongLeaf')), proof, root], [index, size, leaf, proof, EMPTY_ROOT],
        [index, size, leaf, [...proof, new Uint8Array(0)], root], [index, size, leaf, [...proof, root], root],
        [index, size, leaf, [new Uint8Array(0), ...proof], root], [index, size, leaf, [root, ...proof], root],
        [index, size, leaf, proof.slice(0, -1), root]
      ]
      for (let i = 0; i < proof.length; i++) {
        const flipped = proof.map(hash => hash.slice())
        const hash = flipped[i] as Uint8Array
        hash[0] = (hash[0] as number) ^ 8
        probes.push([index, size, leaf, flipped, root])
      }
      for (const [i, s, l, p, r] of probes) expect(verifyInclusion(i, s, l, p, r), `${i}/${s}`).toBe(false)
    }
  })

  it('refuses the reference suite\'s corrupted consistency proofs and edge cases', async () => {
    for (const [first, second] of CONSISTENCY.filter(([a, b]) => a !== b)) {
      const proof = await reference.consistencyProof(first, second)
      const r1 = hex(ROOTS[first - 1] as string)
      const r2 = hex(ROOTS[second - 1] as string)
      const probes: Array<[number, number, Uint8Array, Uint8Array, Uint8Array[]]> = [
        [first - 1, second, r1, r2, proof], [first + 1, second, r1, r2, proof], [first ^ 2, second, r1, r2, proof],
        [first, second * 2, r1, r2, proof], [first, Math.floor(second / 2), r1, r2, proof],
        [first, second, ascii('WrongRoot'), r2, proof], [first, second, r1, ascii('WrongRoot'), proof], [first, second, r2, r1, proof],
        [first, second, r1, r2, []],
        [first, second, r1, r2, [...proof, new Uint8Array(0)]], [first, second, r1, r2, [...proof, r1]], [first, second, r1, r2, [...proof, r2]],
        [first, second, r1, r2, [new Uint8Array(0), ...proof]], [first, second, r1, r2, [r1, ...proof]], [first, second, r1, r2, [r2, ...proof]],
        [first, second, r1, r2, [proof[0] as Uint8Array, ...proof]], [first, second, r1, r2, proof.slice(0, -1)]
      ]
      for (let i = 0; i < proof.length; i++) {
        const flipped = proof.map(hash => hash.slice())
        const hash = flipped[i] as Uint8Array
        hash[0] = (hash[0] as number) ^ 16
        probes.push([first, second, r1, r2, flipped])
      }
      for (const [a, b, x, y, p] of probes) expect(verifyConsistency(a, b, x, y, p), `${a} → ${b}`).toBe(false)
    }
    const some = hex('abacaba000000000000000000000000000000000000000000060061e00123456')
    // The reference's trivial cases: sizes that are always consistent, time travel, empty proofs.
    expect(verifyConsistency(0, 0, some, some, [])).toBe(true)
    expect(verifyConsistency(0, 1, some, EMPTY_ROOT, [])).toBe(true)
    expect(verifyConsistency(1, 1, some, some, [])).toBe(true)
    expect(verifyConsistency(1, 1, some, EMPTY_ROOT, [])).toBe(false)
    expect(verifyConsistency(1, 0, some, some, [])).toBe(false)
    expect(verifyConsistency(2, 1, some, some, [])).toBe(false)
    expect(verifyConsistency(1, 2, some, EMPTY_ROOT, [])).toBe(false)
    expect(verifyConsistency(0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])).toBe(false)
    expect(verifyConsistency(1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])).toBe(false)
    expect(verifyInclusion(0, 0, some, [], EMPTY_ROOT)).toBe(false)
    expect(verifyInclusion(0, 1, leafHash(ascii('data')), [], leafHash(ascii('data')))).toBe(true)
    expect(rootFromInclusionProof(2, 1, some, [])).toBeUndefined()
  })
})

describe('Merkle proofs (properties)', () => {
  const leavesArb = fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: 70 })

  it('every inclusion and consistency proof of any tree verifies, and only against its own root', async () => {
    await fc.assert(fc.asyncProperty(leavesArb, fc.nat(), fc.nat(), fc.nat(), async (leaves, a, b, c) => {
      const tree = treeOf(leaves)
      const size = 1 + (a % tree.size)
      const index = b % size
      const root = await tree.root(size)
      const proof = await tree.inclusionProof(index, size)
      expect(verifyInclusion(index, size, leafHash(leaves[index] as Uint8Array), proof, root)).toBe(true)
      expect(verifyInclusion(index, size, leafHash(ascii('other')), proof, root)).toBe(false)
      const first = c % (size + 1)
      const consistency = await tree.consistencyProof(first, size)
      expect(verifyConsistency(first, size, await tree.root(first), root, consistency)).toBe(true)
      // Through the generic functions too (any NodeSource), with the same answers.
      expect((await inclusionProof(tree.nodes, index, size)).map(toHex)).toEqual(proof.map(toHex))
      expect((await consistencyProof(tree.nodes, first, size)).map(toHex)).toEqual(consistency.map(toHex))
    }), { numRuns: 150 })
  })

  it('a tree whose prefix was rewritten has no consistency proof from the old root', async () => {
    await fc.assert(fc.asyncProperty(leavesArb, fc.nat(), fc.nat(), async (leaves, a, b) => {
      const tree = treeOf(leaves)
      const first = 1 + (a % tree.size)
      const changed = b % first
      const forked = treeOf(leaves.map((leaf, i) => i === changed ? Uint8Array.from([...leaf, 0xff]) : leaf))
      const proof = await forked.consistencyProof(first, forked.size)
      expect(verifyConsistency(first, forked.size, await tree.root(first), await forked.root(), proof)).toBe(false)
    }), { numRuns: 150 })
  })
})
