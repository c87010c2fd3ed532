import type { CoordinatorClient } from '../src/coordinator/client.ts'
import type { Ack, RequestOutcome } from '../src/coordinator/types.ts'
import { GenerationFailedError } from '../src/errors.ts'
import { buildRequest } from '../src/leader/requests.ts'
import { directorySource } from '../src/leader/directory-source.ts'
import type { GenerationRequest, Priority } from '../src/raft/queue-commands.ts'
import type { MembershipCertificate } from '../src/trust/certificate.ts'
import type { SigningKey } from '../src/trust/signing-key.ts'

/** One file (its bytes) or one directory (the addresses of what it holds) to generate context for. */
export type GenerationItem =
  | { readonly kind: 'file', readonly address: string, readonly bytes: Uint8Array }
  | { readonly kind: 'directory', readonly address: string, readonly children: readonly string[] }

export interface BatchOptions {
  readonly client: CoordinatorClient
  readonly member: { signer: SigningKey, certificate: MembershipCertificate }
  readonly role: string
  readonly priority: Priority
  readonly generatorVersion: string
  /** Wait until each request is generated (or failed) before reporting it done. */
  readonly wait: boolean
  readonly concurrency: number
  readonly signal?: AbortSignal
  readonly onProgress?: (counts: { done: number, failed: number }) => void
  readonly onFailure?: (address: string, error: Error) => void
}

export interface ItemOutcome {
  readonly address: string
  readonly requestId: string
  readonly ack?: Ack
  readonly outcome?: RequestOutcome
  readonly error?: Error
}

export interface BatchResult {
  readonly items: ItemOutcome[]
  /** Stopped by the signal before every item was requested (and, with wait, finished). */
  readonly interrupted: boolean
}

/**
 * Requests generation for every item: files first, then directories from the
 * deepest up, each depending on what it holds, so the leader summarises a
 * folder after its children. Request ids are derived from the content, so
 * running the same batch again (after Ctrl-C, or to pick up changed files)
 * asks only for what is not done: the queue acknowledges the rest as
 * duplicates at once. A request refused at once (binary, too large, not
 * allowed) is reported and never enters the queue.
 */
export async function requestGenerations (items: readonly GenerationItem[], options: BatchOptions): Promise<BatchResult> {
  const results = new Map<string, ItemOutcome>()
  const ids = new Map<string, string>()
  const counts = { done: 0, failed: 0 }
  const failed = (address: string, requestId: string, error: Error): void => {
    results.set(address, { address, requestId, error })
    counts.failed++
    options.onFailure?.(address, error)
    options.onProgress?.({ ...counts })
  }
  const files = items.filter(item => item.kind === 'file')
  const directories = items.filter(item => item.kind === 'directory').sort((a, b) => depth(b.address) - depth(a.address))
  const submit = async (item: GenerationItem): Promise<void> => {
    let request: GenerationRequest
    try {
      request = await buildRequest({
        address: item.address,
        role: options.role,
        priority: options.priority,
        source: item.kind === 'file' ? item.bytes : directorySource(item.children),
        generatorVersion: options.generatorVersion,
        dependsOn: item.kind === 'file' ? [] : item.children.flatMap(child => ids.get(child) ?? [])
      }, options.member)
    } catch (error) {
      failed(item.address, '', error as Error)
      return
    }
    try {
      const ack = await options.client.submit(request, { signal: options.signal ?? new AbortController().signal })
      ids.set(item.address, request.id)
      results.set(item.address, { address: item.address, requestId: request.id, ack })
      if (!options.wait) {
        counts.done++
        options.onProgress?.({ ...counts })
      }
    } catch (error) {
      if (options.signal?.aborted === true) throw error
      failed(item.address, request.id, error as Error)
    }
  }
  try {
    await pool(files, options.concurrency, submit, options.signal)
    // A directory's dependencies must be in the queue before it: one depth at a time.
    for (const level of byDepth(directories)) await pool(level, options.concurrency, submit, options.signal)
    if (options.wait) {
      const waiting = [...results.values()].filter(result => result.ack !== undefined)
      await pool(waiting, options.concurrency * 4, async result => {
        const outcome = result.ack?.state === 'done' || result.ack?.state === 'failed'
          ? { requestId: result.requestId, canonicalId: result.ack.canonicalId, state: result.ack.state, ...(result.ack.result === undefined ? {} : { result: result.ack.result }), ...(result.ack.failure === undefined ? {} : { failure: result.ack.failure }) }
          : await options.client.waitFor(result.requestId, { signal: options.signal ?? new AbortController().signal })
        results.set(result.address, { ...result, outcome })
        if (outcome.state === 'done') counts.done++
        else {
          counts.failed++
          options.onFailure?.(result.address, new GenerationFailedError(outcome.failure ?? 'generation failed'))
        }
        options.onProgress?.({ ...counts })
      }, options.signal)
    }
  } catch (error) {
    if (options.signal?.aborted !== true) throw error
    return { items: [...results.values()], interrupted: true }
  }
  return { items: [...results.values()], interrupted: false }
}

function depth (address: string): number {
  return address.split('/').length
}

function byDepth<T extends { address: string }> (items: readonly T[]): T[][] {
  const levels = new Map<number, T[]>()
  for (const item of items) levels.set(depth(item.address), [...(levels.get(depth(item.address)) ?? []), item])
  return [...levels.entries()].sort((a, b) => b[0] - a[0]).map(([, level]) => level)
}

/** Runs `work` over `items`, `limit` at a time, stopping (with the signal's reason) once it fires. */
async function pool<T> (items: readonly T[], limit: number, work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      signal?.throwIfAborted()
      await work(items[next++] as T)
    }
  })
  await Promise.all(runners)
}
