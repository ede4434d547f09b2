/**
 * An in-process queue per key, in front of the database lock: callers in one process wait here for their
 * turn instead of each holding a database connection (PostgreSQL) or polling a lock row (SQLite) while they
 * wait. It does not replace the database lock, which is what serialises work across processes.
 */

export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>()

  /**
   * Waits until every earlier caller for `key` has released, or until `waitMs` passed (then resolves
   * undefined). On success returns the release function, which must be called exactly once.
   */
  async acquire (key: string, waitMs: number): Promise<(() => void) | undefined> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    let release!: () => void
    const mine = new Promise<void>(resolve => { release = resolve })
    // The next caller waits for us and, through us, for everyone before us, even if we give up early.
    const tail = previous.then(() => mine)
    this.#tails.set(key, tail)
    tail.then(() => { if (this.#tails.get(key) === tail) this.#tails.delete(key) }, () => {})
    const ourTurn = await settlesWithin(previous, waitMs)
    if (!ourTurn) {
      release()
      return undefined
    }
    return release
  }

  /** Keys someone holds or waits for (for tests and diagnostics). */
  get size (): number {
    return this.#tails.size
  }
}

async function settlesWithin (promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>(resolve => { timer = setTimeout(resolve, Math.max(0, ms), false) })
  try {
    return await Promise.race([promise.then(() => true as const), timeout])
  } finally {
    clearTimeout(timer)
  }
}
