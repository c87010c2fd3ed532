/**
 * Runs `work` on every item, at most `lanes` at once. Signature checks run on
 * the crypto thread pool, so records taken one after another left it idle
 * while the main thread waited on each one in turn.
 */
export async function inParallel<T> (items: readonly T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(Math.max(1, lanes), items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T)
  }))
}
