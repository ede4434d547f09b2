/**
 * In-process serialisation per key: double clicks and a button during the nightly run queue up behind
 * each other instead of racing. (Across processes the store's resource lock does the same.)
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>()

  async run<T> (key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    let release!: () => void
    const mine = new Promise<void>(resolve => { release = resolve })
    const tail = previous.then(() => mine)
    this.#tails.set(key, tail)
    await previous
    try {
      return await work()
    } finally {
      release()
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    }
  }
}
