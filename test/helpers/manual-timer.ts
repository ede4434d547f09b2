/**
 * A timer the test fires by hand: passed as spacelink's `sleep`, it makes "the deadline has passed" an
 * event the test decides, not a wall-clock race a slow machine can lose.
 */
export interface ManualTimer {
  sleep: (ms: number, signal: AbortSignal) => Promise<void>
  /** Sleeps started and not yet fired or aborted. */
  readonly pending: number
  /** Ends every pending sleep now. */
  fire: () => void
  /** Resolves once a sleep has started (the action is waiting on its deadline). */
  started: () => Promise<void>
}

export function manualTimer (): ManualTimer {
  const waiting = new Set<() => void>()
  let onStart: Array<() => void> = []
  return {
    sleep: async (_ms, signal) => await new Promise<void>((resolve, reject) => {
      const done = (): void => { waiting.delete(done); resolve() }
      waiting.add(done)
      signal.addEventListener('abort', () => { waiting.delete(done); reject(signal.reason) }, { once: true })
      for (const f of onStart) f()
      onStart = []
    }),
    get pending () { return waiting.size },
    fire: () => { for (const done of [...waiting]) done() },
    started: async () => { if (waiting.size === 0) await new Promise<void>(resolve => { onStart.push(resolve) }) }
  }
}
