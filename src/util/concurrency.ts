/** Concurrency limits: the one way spacelink runs many upstream calls or items at once, with a bound. */

/**
 * Runs `work` over an async sequence with at most `concurrency` items in flight, pulling the next item
 * only when a worker is free — so candidates stream in page by page and memory stays flat. The first
 * thrown error stops the pulling and is re-thrown once the items in flight have settled.
 *
 * `concurrency` may be a function (an adaptive width): it is asked again whenever an item finishes; a
 * wider answer starts more workers, a narrower one lets workers end after their item.
 */
export async function forEachBounded<T> (items: AsyncIterable<T>, concurrency: number | (() => number), work: (item: T) => Promise<void>): Promise<void> {
  const width = typeof concurrency === 'number' ? () => concurrency : concurrency
  const iterator = items[Symbol.asyncIterator]()
  let failure: { error: unknown } | undefined
  let pulling: Promise<IteratorResult<T>> = Promise.resolve({ done: false, value: undefined as T })
  let started = false
  // Pulls are serialised: an async generator must not be advanced by two workers at once.
  const next = async (): Promise<IteratorResult<T>> => {
    pulling = pulling.then(async () => await iterator.next())
    started = true
    return await pulling
  }
  let exhausted = false
  let workers = 0
  let allDone = (): void => {}
  const finished = new Promise<void>(resolve => { allDone = resolve })
  function spawn (): void {
    while (!exhausted && failure === undefined && workers < Math.max(1, width())) {
      workers++
      // A worker keeps its own failures (in `failure`): its promise never rejects.
      worker().catch(() => {})
    }
  }
  // A worker ends when the items run out, after a failure, or when the width fell below the workers;
  // the last one to end (there is always one left until then: the width is at least 1) ends the whole.
  async function worker (): Promise<void> {
    try {
      while (failure === undefined) {
        const step = await next().catch((error: unknown) => { failure ??= { error }; return { done: true as const, value: undefined } })
        if (step.done === true) { exhausted = true; return }
        try {
          await work(step.value)
        } catch (error) {
          failure ??= { error }
        }
        if (workers > Math.max(1, width())) return
        spawn()
      }
    } catch (error) {
      failure ??= { error }
    } finally {
      if (--workers === 0) allDone()
    }
  }
  spawn()
  await finished
  if (started && failure !== undefined) await iterator.return?.(undefined)
  if (failure !== undefined) throw failure.error
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R> (items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  async function worker (): Promise<void> {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index] as T, index)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}

/** The first failure of settled work in the given order (not the first in time), if any. */
export function firstFailure (settled: ReadonlyArray<PromiseSettledResult<unknown>>): PromiseRejectedResult | undefined {
  return settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
}

/**
 * Awaits every promise, then throws the first failure in the given order (not the first in time), so
 * nothing is still running behind a thrown error and the caller decides which failure speaks first.
 */
export async function settleAll<T extends readonly unknown[]> (work: readonly [...T]): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(work)
  const failed = firstFailure(settled)
  if (failed !== undefined) throw failed.reason
  return settled.map(s => (s as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> }
}
