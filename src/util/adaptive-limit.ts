/**
 * An adaptive concurrency limit for one upstream: at most `limit` calls in flight, the rest wait in line
 * (foreground calls — button presses — ahead of background ones — nightly items). The limit starts at
 * `initial` and moves between 1 and `max` with what the upstream answers:
 *
 * - an overload answer (429, 503) halves it, once per round of calls in flight (calls that started before
 *   a cut do not cut again);
 * - a window of about `limit` answers whose latency, each against the lowest seen for the same operation,
 *   averages above `tolerance` takes 10 % off (at least 1); 10 ms are added to both sides of that ratio, so
 *   a few milliseconds of jitter on a fast upstream (or of spacelink's own event loop) do not count;
 * - a window that stayed at or under `tolerance` while the limit was used up adds 1.
 *
 * That is AIMD with a latency signal in the manner of Netflix's concurrency-limits (AIMDLimit for the
 * overload answers, a Vegas-like queue signal for latency). The baseline is kept per operation because an
 * upstream's functions differ by ten times in cost (RS: a field read 40 ms, a write 130–350 ms); it drifts
 * up by 0.1 % per answer so one freak fast answer does not hold it down for ever. A ceiling at or below the
 * start is a fixed width: nothing is learnt.
 *
 * Written here rather than taken from npm (2026-12): `p-limit` 7 is fixed width; `p-queue` 10 has a
 * mutable width and priorities but no feedback, so the controller would still be ours; `bottleneck`
 * 2.19.5 (last release 2019) is a rate and reservoir limiter without latency feedback; the registry holds
 * no maintained port of Netflix concurrency-limits (those exist for Rust, Go, Erlang and Elixir). The
 * limiter takes latencies as numbers from its caller and reads no clock, so tests drive it directly.
 */

export type Priority = 'foreground' | 'background'

export interface AdaptiveLimitOptions {
  /** The width to start from (clamped to 1…max). */
  initial: number
  /** The ceiling the limit never passes. */
  max: number
  /** Average latency ratio (answer ÷ the operation's baseline) above which the window counts as queueing. Default 2.5. */
  tolerance?: number
}

/** What one finished call tells the limiter. */
export interface LimitSample {
  /** The upstream operation (RS function, CS method and path): latencies are compared per operation. */
  operation: string
  /** Milliseconds from sending the request to its answer. */
  ms: number
  /** The upstream said it is overloaded (429, 503). */
  overloaded: boolean
}

/** A held place; `release` exactly once, with a sample when the call got an answer worth learning from. */
export interface LimitSlot {
  release: (sample?: LimitSample) => void
}

/** The widths one stretch of work ran at (a sync run reports them per upstream). */
export interface WidthRecord {
  start: number
  min: number
  max: number
  final: number
}

const overloadBackoff = 0.5
const latencyBackoff = 0.9
const baselineDrift = 1.001
const jitterMs = 10

export class AdaptiveLimit {
  private ceiling: number
  private readonly tolerance: number
  private current: number
  private fixed: boolean
  private active = 0
  private readonly waiting: Record<Priority, Array<() => void>> = { foreground: [], background: [] }
  private readonly baselines = new Map<string, number>()
  /** Bumped by every cut: samples from calls that started before it say nothing about the new width. */
  private epoch = 0
  private window = { count: 0, ratioSum: 0, saturated: false }
  private readonly watchers = new Set<(limit: number) => void>()
  /** Sync runs using this limit now (RS's is shared by every instance's night). */
  private runs = 0

  constructor (opts: AdaptiveLimitOptions) {
    this.ceiling = Math.max(1, Math.floor(opts.max))
    this.current = clamp(Math.floor(opts.initial), 1, this.ceiling)
    this.fixed = opts.initial >= this.ceiling
    this.tolerance = opts.tolerance ?? 2.5
  }

  /** The ceiling. */
  get max (): number {
    return this.ceiling
  }

  /** Whether the width stays where it is whatever the answers. */
  get isFixed (): boolean {
    return this.fixed
  }

  /** The width now. */
  get limit (): number {
    return this.current
  }

  get inFlight (): number {
    return this.active
  }

  get queued (): number {
    return this.waiting.foreground.length + this.waiting.background.length
  }

  /**
   * Starts again from `width` (a sync run's `--concurrency`), under a new ceiling if given, keeping what
   * was learnt of latencies. Fixed (nothing learnt) when `width` is at or above the ceiling, unless told.
   */
  reset (width: number, max = this.ceiling, fixed = width >= max): void {
    this.ceiling = Math.max(1, Math.floor(max))
    this.fixed = fixed
    this.setLimit(clamp(Math.floor(width), 1, this.ceiling))
    this.epoch++
    this.window = { count: 0, ratioSum: 0, saturated: false }
    this.wake()
  }

  /**
   * A sync run starts using this limit. The first run starts it again from `width` under `max`; a run that
   * joins while another uses it (two instances' nights on one RS) leaves it where that run got it, rather
   * than throw away the width found. Returns the function that ends this run's use.
   */
  joinRun (width: number, max: number): () => void {
    if (this.runs === 0) this.reset(width, max)
    this.runs++
    let left = false
    return () => {
      if (left) return
      left = true
      this.runs--
    }
  }

  /** Calls `watcher` with every new limit; returns the function that stops it. */
  watch (watcher: (limit: number) => void): () => void {
    this.watchers.add(watcher)
    return () => { this.watchers.delete(watcher) }
  }

  /** Waits for a place in flight; a `signal` aborted meanwhile takes the caller out of the line (rejects with its reason). */
  async acquire (priority: Priority = 'foreground', signal?: AbortSignal): Promise<LimitSlot> {
    signal?.throwIfAborted()
    if (this.active >= this.current || this.queued > 0) {
      this.window.saturated = true
      await this.inLine(priority, signal)
    } else {
      this.active++
    }
    if (this.active >= this.current) this.window.saturated = true
    const epoch = this.epoch
    let released = false
    return {
      release: (sample) => {
        if (released) return
        released = true
        this.active--
        if (sample !== undefined) this.learn(sample, epoch)
        this.wake()
      }
    }
  }

  /** Resolves when `wake` hands this waiter a place (counted in `active` by then). */
  private async inLine (priority: Priority, signal?: AbortSignal): Promise<void> {
    const line = this.waiting[priority]
    await new Promise<void>((resolve, reject) => {
      const leave = (): void => {
        const at = line.indexOf(handed)
        // Not in line any more: a place was handed over already, and the caller gets it.
        if (at === -1) return
        line.splice(at, 1)
        reject(signal?.reason)
      }
      const handed = (): void => {
        signal?.removeEventListener('abort', leave)
        resolve()
      }
      line.push(handed)
      signal?.addEventListener('abort', leave, { once: true })
    })
  }

  private learn (sample: LimitSample, epoch: number): void {
    if (this.fixed) return
    if (sample.overloaded) {
      if (epoch === this.epoch) this.cut(overloadBackoff)
      return
    }
    const known = this.baselines.get(sample.operation)
    const ms = Math.max(sample.ms, 0.1)
    const baseline = known === undefined ? ms : Math.min(ms, known * baselineDrift)
    this.baselines.set(sample.operation, baseline)
    if (epoch !== this.epoch) return
    this.window.count++
    this.window.ratioSum += (ms + jitterMs) / (baseline + jitterMs)
    if (this.window.count < Math.max(this.current, 4)) return
    const ratio = this.window.ratioSum / this.window.count
    if (ratio > this.tolerance) {
      this.cut(latencyBackoff)
    } else {
      if (this.window.saturated && this.current < this.max) this.setLimit(this.current + 1)
      this.window = { count: 0, ratioSum: 0, saturated: false }
    }
  }

  private cut (factor: number): void {
    this.setLimit(Math.max(1, Math.min(this.current - 1, Math.floor(this.current * factor))))
    this.epoch++
    this.window = { count: 0, ratioSum: 0, saturated: false }
  }

  private setLimit (limit: number): void {
    if (limit === this.current) return
    this.current = limit
    for (const watcher of this.watchers) watcher(limit)
  }

  /** Hands free places to those waiting, foreground first. */
  private wake (): void {
    while (this.active < this.current) {
      const next = this.waiting.foreground.shift() ?? this.waiting.background.shift()
      if (next === undefined) return
      this.active++
      next()
    }
  }
}

/** Follows a limit's width over a stretch of work. */
export function recordWidth (limit: AdaptiveLimit): { stop: () => WidthRecord } {
  const record: WidthRecord = { start: limit.limit, min: limit.limit, max: limit.limit, final: limit.limit }
  const unwatch = limit.watch(width => {
    record.min = Math.min(record.min, width)
    record.max = Math.max(record.max, width)
  })
  return {
    stop: () => {
      unwatch()
      record.final = limit.limit
      return { ...record }
    }
  }
}

function clamp (value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Number.isFinite(value) ? value : min))
}
