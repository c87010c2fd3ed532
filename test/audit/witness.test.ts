import { describe, expect, it } from 'vitest'
import {
  checkpointFromJson, checkpointToJson, signCheckpoint, verifyCheckpoint, verifyCosignature, verifyWitnessed, witnessedToJson
} from '../../src/audit/checkpoint.ts'
import type { CheckpointSigner, SignedCheckpoint } from '../../src/audit/checkpoint.ts'
import { encodeEntry } from '../../src/audit/entry.ts'
import { MemoryTree } from '../../src/audit/merkle.ts'
import { publicKeyOfPeer } from '../../src/audit/peer-key.ts'
import { verifyCheckpointsConsistent } from '../../src/audit/verify.ts'
import { Witness } from '../../src/audit/witness.ts'
import type { SplitViewReport } from '../../src/audit/witness.ts'
import { AuditVerificationError, InvalidKeyError, SplitViewError } from '../../src/errors.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { testSigner } from './signers.ts'

/** A relay's log as it would keep it: entries in a tree, signed checkpoints on demand. */
class FakeLog {
  readonly tree = new MemoryTree()
  constructor (readonly signer: CheckpointSigner, private clock = 1000) {}

  add (...keys: string[]): this {
    for (const key of keys) this.tree.append(encodeEntry({ kind: 'stored', time: this.clock++, key, origin: 'member' }))
    return this
  }

  async checkpoint (): Promise<SignedCheckpoint> {
    return await signCheckpoint(this.signer, { size: this.tree.size, root: await this.tree.root(), time: this.clock++ })
  }

  /** The consistency proof a relay answers a witness holding `held` with. */
  async proofFrom (held: SignedCheckpoint | undefined): Promise<Uint8Array[]> {
    if (held === undefined) return []
    return held.size <= this.tree.size ? await this.tree.consistencyProof(held.size) : []
  }

  fork (): FakeLog {
    const copy = new FakeLog(this.signer, this.clock)
    for (let i = 0; i < this.tree.size; i++) copy.tree.appendHash(this.tree.nodes(0, i) as Uint8Array)
    return copy
  }
}

async function offer (witness: Witness, log: FakeLog) {
  const checkpoint = await log.checkpoint()
  return { checkpoint, cosignature: await witness.observe(checkpoint, await log.proofFrom(await witness.latest(checkpoint.log))) }
}

describe('signed checkpoints', () => {
  it('verify under the peer id they name, and nothing else', async () => {
    const log = new FakeLog(await testSigner()).add('a', 'b', 'c')
    const checkpoint = await log.checkpoint()
    await verifyCheckpoint(checkpoint)
    expect(checkpointFromJson(JSON.parse(JSON.stringify(checkpointToJson(checkpoint))))).toEqual(checkpoint)
    await expect(verifyCheckpoint({ ...checkpoint, size: 4 })).rejects.toThrow(AuditVerificationError)
    await expect(verifyCheckpoint({ ...checkpoint, time: checkpoint.time + 1 })).rejects.toThrow(AuditVerificationError)
    await expect(verifyCheckpoint({ ...checkpoint, root: new Uint8Array(32) })).rejects.toThrow(AuditVerificationError)
    await expect(verifyCheckpoint({ ...checkpoint, log: (await testSigner()).id })).rejects.toThrow(AuditVerificationError)
    await expect(verifyCheckpoint({ ...checkpoint, log: 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N' })).rejects.toThrow(/Ed25519 peer id/)
    expect(() => checkpointFromJson({ ...checkpointToJson(checkpoint), root: 'AAAA' })).toThrow(AuditVerificationError)
    expect(() => publicKeyOfPeer('not-base58-0OIl')).toThrow(InvalidKeyError)
  })

  it('carry cosignatures that verify for their checkpoint only', async () => {
    const witness = new Witness({ signer: await testSigner() })
    const log = new FakeLog(await testSigner()).add('a')
    const { checkpoint, cosignature } = await offer(witness, log)
    expect(cosignature).toBeDefined()
    expect(await verifyCosignature(checkpoint, cosignature!)).toBe(true)
    expect(await verifyCosignature({ ...checkpoint, size: 2 }, cosignature!)).toBe(false)
    expect(await verifyCosignature(checkpoint, { ...cosignature!, time: cosignature!.time + 1 })).toBe(false)
    expect(await verifyCosignature(checkpoint, { ...cosignature!, witness: log.signer.id })).toBe(false)
    // Over JSON, cosignatures that fail are dropped; a bad checkpoint signature is refused outright.
    const json = witnessedToJson({ checkpoint, cosignatures: [cosignature!, { ...cosignature!, time: 1 }] })
    expect((await verifyWitnessed(JSON.parse(JSON.stringify(json)))).cosignatures).toEqual([cosignature])
    await expect(verifyWitnessed({ ...json, checkpoint: { ...json.checkpoint, size: 9 } })).rejects.toThrow(AuditVerificationError)
  })
})

describe('a witness', () => {
  it('takes a log that grows, with proof, and countersigns each step', async () => {
    const witness = new Witness({ signer: await testSigner() })
    const log = new FakeLog(await testSigner())
    for (const batch of [[], ['a'], ['b', 'c'], [], ['d', 'e', 'f', 'g', 'h', 'i']]) {
      log.add(...batch)
      const { checkpoint, cosignature } = await offer(witness, log)
      expect(cosignature?.witness).toBe(witness.id)
      expect((await witness.latest(log.signer.id))?.size).toBe(checkpoint.size)
    }
    // An older checkpoint, proven consistent, changes nothing and is not countersigned.
    const held = await witness.latest(log.signer.id)
    const old = await signCheckpoint(log.signer, { size: 3, root: await log.tree.root(3), time: 5 })
    expect(await witness.observe({ ...old, time: 1 }, []).catch(error => error)).toBeInstanceOf(AuditVerificationError)
    expect(await witness.observe(old, await log.tree.consistencyProof(3))).toBeUndefined()
    expect(await witness.latest(log.signer.id)).toEqual(held)
  })

  it('catches a relay that shows one witness two histories (split view), with both checkpoints as evidence', async () => {
    const witness = new Witness({ signer: await testSigner() })
    const reports: SplitViewReport[] = []
    witness.addEventListener('split-view', event => reports.push((event as CustomEvent<SplitViewReport>).detail))
    const honest = new FakeLog(await testSigner()).add('a', 'b', 'c')
    const forked = honest.fork()
    honest.add('d')
    forked.add('x') // same size, another fourth entry
    await offer(witness, honest)

    const sameSize = await forked.checkpoint()
    const error = await witness.observe(sameSize, []).catch(error => error)
    expect(error).toBeInstanceOf(SplitViewError)
    expect((error as SplitViewError).held).toEqual(await witness.latest(honest.signer.id))
    expect((error as SplitViewError).offered).toEqual(sameSize)

    // Larger, with the best proof the forked log can give: still caught.
    forked.add('y', 'z')
    const larger = await forked.checkpoint()
    await expect(witness.observe(larger, await forked.tree.consistencyProof(4))).rejects.toThrow(SplitViewError)
    // Rollbacks: a shorter log signed later, with no proof, or empty (consistent with anything, but shorter).
    const rolledBack = await new FakeLog(honest.signer, Date.now()).add('a').checkpoint()
    await expect(witness.observe(rolledBack, [])).rejects.toThrow(SplitViewError)
    const emptied = await new FakeLog(honest.signer, Date.now()).checkpoint()
    await expect(witness.observe(emptied, [])).rejects.toThrow(/rolled back/)
    expect(reports.map(report => report.log)).toEqual(Array(4).fill(honest.signer.id))
    expect(witness.splitViews).toHaveLength(4)
    // The witness still holds the history it first verified.
    expect((await witness.latest(honest.signer.id))?.size).toBe(4)
  })

  it('catches a relay that shows two witnesses two histories, once they compare what they hold', async () => {
    const [left, right] = [new Witness({ signer: await testSigner() }), new Witness({ signer: await testSigner() })]
    const relay = await testSigner()
    const history = new FakeLog(relay).add('a', 'b')
    const other = history.fork()
    history.add('c', 'd', 'e')
    other.add('q', 'r', 's', 't')
    // Each witness alone sees a consistent, growing log, and countersigns.
    expect((await offer(left, history)).cosignature).toBeDefined()
    expect((await offer(right, other)).cosignature).toBeDefined()
    const leftHeld = await left.latest(relay.id) as SignedCheckpoint
    const rightHeld = await right.latest(relay.id) as SignedCheckpoint
    // Comparing: the relay must prove one extends the other, and neither of its histories can.
    for (const proof of [await history.proofFrom(rightHeld), await other.proofFrom(leftHeld), await other.tree.consistencyProof(leftHeld.size)]) {
      await expect(right.observe(leftHeld, proof)).rejects.toThrow(SplitViewError)
    }
    expect(() => { verifyCheckpointsConsistent(leftHeld, rightHeld, []) }).toThrow(SplitViewError)
  })

  it('remembers what it holds across restarts (a rollback after one is still caught)', async () => {
    const store = createMemoryStore()
    await store.open()
    const signer = await testSigner()
    const log = new FakeLog(await testSigner()).add('a', 'b', 'c')
    await offer(new Witness({ signer, store }), log)
    const restarted = new Witness({ signer, store })
    expect((await restarted.latest(log.signer.id))?.size).toBe(3)
    await expect(restarted.observe(await new FakeLog(log.signer).add('z').checkpoint(), [])).rejects.toThrow(SplitViewError)
    expect((await restarted.all()).map(checkpoint => checkpoint.log)).toEqual([log.signer.id])
  })
})
