import { sha256 } from '@noble/hashes/sha2.js'
import { equalBytes } from '../encoding/bytes.ts'

/**
 * Merkle tree hashing as RFC 6962 §2.1 / RFC 9162 §2.1 define it, with SHA-256,
 * so any Certificate Transparency tool can check a relay's audit log:
 *
 *   MTH({})      = SHA-256()
 *   MTH({d0})    = SHA-256(0x00 ‖ d0)
 *   MTH(D[n])    = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])),  k the largest power of two < n
 *
 * The leaf and node prefixes keep a leaf from ever passing for an inner node.
 * Proofs are built from subtree hashes that the caller supplies (a tree in
 * memory, or a log on disk that stores the hash of every complete subtree), and
 * verified with RFC 9162's algorithms (§2.1.3.2, §2.1.4.2).
 */
export const HASH_BYTES = 32

/** MTH of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0))

const LEAF_PREFIX = 0x00
const NODE_PREFIX = 0x01

export function leafHash (data: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + data.length)
  input[0] = LEAF_PREFIX
  input.set(data, 1)
  return sha256(input)
}

export function nodeHash (left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length)
  input[0] = NODE_PREFIX
  input.set(left, 1)
  input.set(right, 1 + left.length)
  return sha256(input)
}

/** The largest power of two strictly below n (n ≥ 2). */
export function splitPoint (n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/**
 * The hash of the complete subtree at `level` (2^level leaves) with position
 * `index` among the subtrees of that size: leaves [index·2^level, (index+1)·2^level).
 * Level 0 is a leaf hash.
 */
export type NodeSource = (level: number, index: number) => Promise<Uint8Array> | Uint8Array

/**
 * MTH(D[start:end]), from complete-subtree hashes. Every range RFC 6962's
 * proofs ask for starts at a multiple of a power of two at least as large as
 * the range, so it splits into O(log n) complete subtrees; any other range is
 * still hashed correctly, only with more look-ups.
 */
export async function subtreeHash (nodes: NodeSource, start: number, end: number): Promise<Uint8Array> {
  const width = end - start
  if (width <= 0) throw new RangeError(`empty subtree [${start}, ${end})`)
  if ((width & (width - 1)) === 0 && start % width === 0) return await nodes(Math.log2(width), start / width)
  const k = splitPoint(width)
  return nodeHash(await subtreeHash(nodes, start, start + k), await subtreeHash(nodes, start + k, end))
}

/** MTH of the first `size` leaves. */
export async function rootAt (nodes: NodeSource, size: number): Promise<Uint8Array> {
  return size === 0 ? EMPTY_ROOT : await subtreeHash(nodes, 0, size)
}

/** RFC 6962 §2.1.1 PATH(index, D[0:size]): sibling hashes from the leaf up. */
export async function inclusionProof (nodes: NodeSource, index: number, size: number): Promise<Uint8Array[]> {
  if (!isCount(size) || !isCount(index) || index >= size) throw new RangeError(`no leaf ${index} in a tree of ${size}`)
  const path: Uint8Array[] = []
  const walk = async (start: number, end: number): Promise<void> => {
    if (end - start <= 1) return
    const k = splitPoint(end - start)
    if (index < start + k) {
      await walk(start, start + k)
      path.push(await subtreeHash(nodes, start + k, end))
    } else {
      await walk(start + k, end)
      path.push(await subtreeHash(nodes, start, start + k))
    }
  }
  await walk(0, size)
  return path
}

/** RFC 6962 §2.1.2 PROOF(first, D[0:second]); empty when first is 0 or equals second. */
export async function consistencyProof (nodes: NodeSource, first: number, second: number): Promise<Uint8Array[]> {
  if (!isCount(first) || !isCount(second) || first > second) throw new RangeError(`no consistency proof from ${first} to ${second}`)
  const proof: Uint8Array[] = []
  if (first === 0 || first === second) return proof
  // SUBPROOF(m, D[start:end], whole): `whole` says D[start:end] is a subtree the old root already commits to.
  const walk = async (m: number, start: number, end: number, whole: boolean): Promise<void> => {
    if (m === end - start) {
      if (!whole) proof.push(await subtreeHash(nodes, start, end))
      return
    }
    const k = splitPoint(end - start)
    if (m <= k) {
      await walk(m, start, start + k, whole)
      proof.push(await subtreeHash(nodes, start + k, end))
    } else {
      await walk(m - k, start + k, end, false)
      proof.push(await subtreeHash(nodes, start, start + k))
    }
  }
  await walk(first, 0, second, true)
  return proof
}

/** RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or undefined when it cannot be one. */
export function rootFromInclusionProof (index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Uint8Array | undefined {
  if (!isCount(index) || !isCount(size) || index >= size || leaf.length !== HASH_BYTES) return undefined
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of proof) {
    if (p.length !== HASH_BYTES || sn === 0) return undefined
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r)
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2)
          sn = Math.floor(sn / 2)
        }
      }
    } else {
      r = nodeHash(r, p)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 ? r : undefined
}

export function verifyInclusion (index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  const computed = rootFromInclusionProof(index, size, leaf, proof)
  return computed !== undefined && equalBytes(computed, root)
}

/**
 * RFC 9162 §2.1.4.2: does the tree of `second` leaves with `secondRoot` extend
 * the tree of `first` leaves with `firstRoot`? The trivial cases (first 0,
 * first = second) take an empty proof and nothing else.
 */
export function verifyConsistency (first: number, second: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!isCount(first) || !isCount(second) || first > second) return false
  if (first === second) return proof.length === 0 && equalBytes(firstRoot, secondRoot)
  if (first === 0) return proof.length === 0
  if (proof.length === 0 || proof.some(p => p.length !== HASH_BYTES)) return false
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : [...proof]
  let fn = first - 1
  let sn = second - 1
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  let fr = path[0] as Uint8Array
  let sr = fr
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2)
          sn = Math.floor(sn / 2)
        }
      }
    } else {
      sr = nodeHash(sr, c)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && equalBytes(fr, firstRoot) && equalBytes(sr, secondRoot)
}

/**
 * A tree in memory, as complete-subtree hashes per level: appending a leaf
 * completes at most log n subtrees. For verifiers that fetched a whole log,
 * and for tests; the relay's own log keeps the same nodes in its store.
 */
export class MemoryTree {
  private readonly levels: Uint8Array[][] = [[]]

  get size (): number {
    return (this.levels[0] as Uint8Array[]).length
  }

  /** Appends a leaf by its hash (see leafHash). */
  appendHash (hash: Uint8Array): void {
    let level = 0
    let index = this.size
    let node = hash
    for (;;) {
      const row = this.levels[level] ?? (this.levels[level] = [])
      row[index] = node
      if (index % 2 === 0) return
      node = nodeHash(row[index - 1] as Uint8Array, node)
      index = (index - 1) / 2
      level++
    }
  }

  append (data: Uint8Array): void {
    this.appendHash(leafHash(data))
  }

  readonly nodes: NodeSource = (level, index) => {
    const node = this.levels[level]?.[index]
    if (node === undefined) throw new RangeError(`no complete subtree at level ${level}, index ${index}`)
    return node
  }

  async root (size = this.size): Promise<Uint8Array> {
    return await rootAt(this.nodes, this.checked(size))
  }

  async inclusionProof (index: number, size = this.size): Promise<Uint8Array[]> {
    return await inclusionProof(this.nodes, index, this.checked(size))
  }

  async consistencyProof (first: number, second = this.size): Promise<Uint8Array[]> {
    return await consistencyProof(this.nodes, first, this.checked(second))
  }

  private checked (size: number): number {
    if (!isCount(size) || size > this.size) throw new RangeError(`the tree has ${this.size} leaves, not ${size}`)
    return size
  }
}

function isCount (n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0
}
