import { SlurpError } from '../errors.ts'
import { verifyPolicy } from './policy.ts'
import type { Policy, SignedPolicy } from './policy.ts'

export interface PolicyChange {
  readonly policy: Policy
  readonly signed: SignedPolicy
  readonly previous: Policy
}

/**
 * The newest root-signed policy a node has verified. Policies spread through
 * the mesh by themselves (src/net/policy-exchange.ts): any node may hand over
 * a newer one, and it is taken only when it verifies under this network's
 * root and its version is higher, so nobody can roll a node back or forge one.
 * Fires "change" (CustomEvent<PolicyChange>) when it takes a newer one.
 */
export class PolicyBook extends EventTarget {
  private current: Policy
  private currentSigned: SignedPolicy | undefined

  constructor (readonly rootPublicKey: Uint8Array, initial: { readonly policy: Policy, readonly signed?: SignedPolicy }) {
    super()
    this.current = initial.policy
    this.currentSigned = initial.signed
  }

  get policy (): Policy {
    return this.current
  }

  /** The signed document, when this node has it (it can pass the policy on only then). */
  get signed (): SignedPolicy | undefined {
    return this.currentSigned
  }

  get version (): number {
    return this.current.version
  }

  /**
   * Takes `signed` when it verifies and is newer; returns whether it did.
   * An invalid document is refused with its named error; an older or equal
   * one is not an error (peers send what they have).
   */
  async offer (signed: unknown): Promise<boolean> {
    const policy = await verifyPolicy(signed, this.rootPublicKey)
    // Kept and passed on as verified: only the fields the signature covers, none a sender added beside them.
    const verified: SignedPolicy = { policy, signature: (signed as SignedPolicy).signature }
    if (policy.version <= this.current.version) {
      // The same version without its signature held: keep the signed form, to pass it on.
      if (policy.version === this.current.version && this.currentSigned === undefined) this.currentSigned = verified
      return false
    }
    const previous = this.current
    this.current = policy
    this.currentSigned = verified
    this.dispatchEvent(new CustomEvent<PolicyChange>('change', { detail: { policy, signed: verified, previous } }))
    return true
  }

  /** offer() that swallows a refusal: for what arrives from the network. */
  async consider (signed: unknown): Promise<boolean> {
    try {
      return await this.offer(signed)
    } catch (error) {
      if (error instanceof SlurpError) return false
      throw error
    }
  }
}
