/**
 * A fixed number of PHP-FPM-like workers in front of the simulated RS: each API call (and each download's
 * start) holds one worker for its service time; calls beyond the workers wait in line in arrival order,
 * as a real PHP-FPM pool's listen backlog holds them, and are not refused — unless a `backlog` is set and
 * full, when they get 502 at once: nginx's connect() to PHP-FPM's socket fails with EAGAIN once the
 * listen backlog is full, and nginx answers 502 Bad Gateway. Counts the
 * in-flight maxima, so tests can see capacity respected without timing anything.
 */

export interface WorkerPoolOptions {
  workers: number
  /** Calls that may wait for a worker; more are answered 502. Default: no bound (they all wait). */
  backlog?: number
}

export interface WorkerPoolStats {
  workers: number
  busy: number
  queued: number
  /** Most workers busy at once. */
  maxBusy: number
  /** Most calls waiting at once. */
  maxQueued: number
  /** Calls that had to wait for a worker. */
  waited: number
  served: number
  /** Calls answered 502 because the backlog was full. */
  rejected: number
  /** Milliseconds of worker time spent (service times summed): capacity throughput = workers ÷ busyMs per item. */
  busyMs: number
}

/** The error a full backlog throws: Fastify answers its `statusCode`. */
export class BacklogFullError extends Error {
  readonly statusCode = 502
  constructor () {
    super('Bad Gateway: every worker is busy and the backlog is full')
  }
}

export class WorkerPool {
  private readonly line: Array<() => void> = []
  private readonly backlog: number
  readonly stats: WorkerPoolStats

  constructor (opts: WorkerPoolOptions) {
    this.backlog = opts.backlog ?? Number.POSITIVE_INFINITY
    this.stats = { workers: Math.max(1, opts.workers), busy: 0, queued: 0, maxBusy: 0, maxQueued: 0, waited: 0, served: 0, rejected: 0, busyMs: 0 }
  }

  /** Runs `work` on a worker, waiting for one if all are busy. */
  async run<T> (work: () => Promise<T>): Promise<T> {
    const s = this.stats
    if (s.busy >= s.workers) {
      if (s.queued >= this.backlog) {
        s.rejected++
        throw new BacklogFullError()
      }
      s.queued++
      s.waited++
      s.maxQueued = Math.max(s.maxQueued, s.queued)
      // The worker that finishes hands its place over: busy stays counted.
      await new Promise<void>(resolve => { this.line.push(resolve) })
      s.queued--
    } else {
      s.busy++
    }
    s.maxBusy = Math.max(s.maxBusy, s.busy)
    const started = performance.now()
    try {
      return await work()
    } finally {
      s.busyMs += performance.now() - started
      s.served++
      const next = this.line.shift()
      if (next === undefined) s.busy--
      else next()
    }
  }
}
