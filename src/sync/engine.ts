/**
 * The nightly sync of one instance: collect the candidates (src/sync/candidates.ts), run each through the
 * very handler a push-resource button runs — metadata, image, one RS write set with the synced flag last
 * — with bounded concurrency, retry an item whose upstream failed (the push resumes, so a retry never
 * doubles anything), and record every item's outcome in the run and its failure schedule for later
 * nights. One failing item never stops the run; only a run that cannot proceed at all (lock held, RS
 * down before the first item) fails. A run asked to stop (shutdown) stops at an item boundary; what it
 * did not reach is still a candidate for the next run.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Services } from '../actions/context.js'
import { reportEarly } from '../actions/early.js'
import { pushResource } from '../actions/handlers/push-resource.js'
import { fieldNames, mappedMetadata } from '../actions/metadata.js'
import { isEarly, resolveObject } from '../actions/resolve.js'
import { runAction } from '../actions/run-action.js'
import type { ActionContext } from '../actions/context.js'
import type { ActionResult, HandlerResult } from '../actions/types.js'
import type { InstanceConfig } from '../config/schema.js'
import { backoffDelay, inBackground, type OwnLimits } from '../clients/http.js'
import { SpacelinkError } from '../errors.js'
import { newHolder } from '../store/locks.js'
import { AdaptiveLimit, recordWidth, type WidthRecord } from '../util/adaptive-limit.js'
import { forEachBounded } from '../util/concurrency.js'
import { isSuccess } from '../vocabulary.js'
import { findCandidates, type Candidate } from './candidates.js'
import { requireInstance } from '../config/instances.js'

export interface SyncOptions {
  dryRun?: boolean
  limit?: number
  refresh?: boolean
  retryFailed?: boolean
  /** The width to start from (default `sync.concurrency`). */
  concurrency?: number
  /** The ceiling of the adaptive width (default `sync.maxConcurrency`); at or below `concurrency`: a fixed width. */
  maxConcurrency?: number
  /**
   * A fixed number of calls in flight per upstream for this run instead of the adaptive one (1: every
   * upstream's calls one at a time, the original spacelink's pattern; benchmarks use it as a baseline).
   */
  callWidth?: number
  /**
   * How long the run lock outlives a run that stopped heartbeating without its process dying (a frozen
   * event loop): the next run of the instance is refused until then. Default 60 s.
   */
  lockTtlMs?: number
  /** Stops the run at the next item boundary (shutdown). */
  signal?: AbortSignal
  /** Called once the candidates are known, then after every item (progress bars, periodic log lines). */
  onProgress?: (p: SyncProgress) => void
  /** Called once the run row exists (the HTTP API answers 202 with it). */
  onStart?: (runId: string) => void
}

export interface SyncProgress {
  done: number
  total: number
  failures: number
  startedAt: number
}

export interface SyncFailure {
  rsid: number
  accessionNumber: string | null
  outcome: string
  message: string
}

export interface SyncSummary {
  runId: string
  instance: string
  status: 'finished' | 'failed' | 'interrupted'
  total: number
  counts: Record<string, number>
  failures: SyncFailure[]
  /** Follow-up work that failed without failing the run. */
  warnings: string[]
  /** The width the run started at. */
  concurrency: number
  /**
   * The widths it ran at: items in flight, and calls in flight per upstream (`rs`, `cs:<instance>`) as
   * each one's adaptive limit moved. Absent when the clients have no limits (tests with bare clients).
   */
  widths?: RunWidths
  durationMs: number
  error?: string
}

export interface RunWidths {
  items: WidthRecord
  upstreams: Record<string, WidthRecord>
}

const defaultLockTtlMs = 60_000
/** Whole-item attempts after the first within a run (each call is already retried inside the clients). */
const itemRetries = 2

export async function runSync (services: Services, instanceName: string, opts: SyncOptions = {}): Promise<SyncSummary> {
  const instance = requireInstance(services.config, instanceName)
  const { store, log } = services
  const holder = newHolder()
  const lockTtlMs = opts.lockTtlMs ?? defaultLockTtlMs
  if (!await store.locks.acquireRunLock(instanceName, holder, lockTtlMs)) {
    throw new SpacelinkError(
      'SYNC_RUNNING',
      409,
      'A sync run is already in progress',
      `instance ${instanceName} is being synced by another run; try again when it has finished`
    )
  }
  const options = {
    dryRun: opts.dryRun === true,
    limit: opts.limit ?? null,
    refresh: opts.refresh === true,
    retryFailed: opts.retryFailed === true,
    concurrency: opts.concurrency ?? services.config.sync.concurrency,
    maxConcurrency: opts.maxConcurrency ?? services.config.sync.maxConcurrency,
    ...(opts.callWidth === undefined ? {} : { callWidth: opts.callWidth })
  }
  let run: { id: string }
  try {
    await store.syncRuns.interruptStale(instanceName, holder)
    run = await store.syncRuns.create({ instance: instanceName, options, holder })
  } catch (err) {
    // No run row to finish: at least do not leave the instance locked.
    await store.locks.releaseRunLock(instanceName, holder).catch(() => {})
    throw err
  }
  opts.onStart?.(run.id)
  const started = Date.now()
  const counts: Record<string, number> = {}
  const failures: SyncFailure[] = []
  let warnings: string[] = []
  let lost = false
  const heartbeat = setInterval(() => {
    store.locks.heartbeatRunLock(instanceName, holder, lockTtlMs).then(
      ok => { if (!ok) lost = true },
      (err: unknown) => log.warn({ err }, 'sync heartbeat failed')
    )
  }, lockTtlMs / 3)
  heartbeat.unref()
  const summary = (status: SyncSummary['status'], total: number, error?: string): SyncSummary => announce(services, {
    runId: run.id,
    instance: instanceName,
    status,
    total,
    counts,
    failures,
    warnings,
    concurrency: options.concurrency,
    ...(widths === undefined ? {} : { widths }),
    durationMs: Date.now() - started,
    ...(error === undefined ? {} : { error })
  })
  const width = followWidths(services, instanceName, options)
  let widths: RunWidths | undefined
  // Taken once (the catch below may finish a run whose first finish failed): stop() puts limits back.
  const finishWidths = (): Record<string, unknown> => {
    widths ??= width.stop()
    return widths === undefined ? options : { ...options, widths }
  }
  let done = 0
  try {
    const found = await findCandidates(services, instanceName, instance, { ...options, maxAttempts: services.config.sync.maxAttempts })
    warnings = found.warnings
    const total = found.candidates.length
    await store.syncRuns.setTotal(run.id, total)
    opts.onProgress?.({ done, total, failures: 0, startedAt: started })
    await forEachBounded(until(found.candidates, opts.signal), width.items, async (candidate) => {
      if (lost) throw new SpacelinkError('SYNC_LOCK_LOST', 409, 'Sync lock lost', 'another run took over this instance')
      const result = await inBackground(async () => await syncWithRetries(services, instanceName, instance, candidate, run.id, options.dryRun), width.own)
      counts[result.outcome] = (counts[result.outcome] ?? 0) + 1
      const failed = !isSuccess(result.outcome)
      if (failed) failures.push({ rsid: candidate.rsid, accessionNumber: result.accessionNumber ?? null, outcome: result.outcome, message: result.message })
      await store.syncRuns.addItem(
        run.id,
        {
          rsid: candidate.rsid,
          accessionNumber: result.accessionNumber ?? null,
          outcome: result.outcome,
          message: result.message,
          transactionId: result.transactionId
        }
      )
      // A dry run's results say nothing about what a real run would meet.
      if (!options.dryRun) {
        await store.failures.record({
          instance: instanceName,
          rsid: candidate.rsid,
          accessionNumber: result.accessionNumber ?? null,
          outcome: result.outcome,
          message: result.message,
          failed,
          at: services.now()
        })
      }
      done++
      opts.onProgress?.({ done, total, failures: failures.length, startedAt: started })
    })
    const stopped = opts.signal?.aborted === true && done < total
    const error = stopped ? `stopped by shutdown after ${done} of ${total} item(s); the next run picks up the rest` : undefined
    await store.syncRuns.finish(run.id, { status: stopped ? 'interrupted' : 'finished', counts, warnings, options: finishWidths(), ...(error === undefined ? {} : { error }) })
    log.info(
      { instance: instanceName, runId: run.id, total, done, counts, warnings: warnings.length, durationMs: Date.now() - started },
      `sync run ${stopped ? 'stopped' : 'finished'}`
    )
    return summary(stopped ? 'interrupted' : 'finished', done, error)
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    await store.syncRuns.finish(run.id, { status: 'failed', counts, warnings, error: message, options: finishWidths() }).catch(() => {})
    log.error({ err, instance: instanceName, runId: run.id }, 'sync run failed')
    return summary('failed', done, message)
  } finally {
    clearInterval(heartbeat)
    finishWidths()
    await store.locks.releaseRunLock(instanceName, holder).catch(() => {})
  }
}

/**
 * The run's widths: each upstream's limit starts again from the run's width under its ceiling, unless
 * another run is using it (two instances' nights share RS: the second must not throw away the width the
 * first has found), and the items in flight follow the widest of them (an item waits at one upstream at a
 * time; more items than an upstream's width only queue inside spacelink, behind any button's calls).
 */
function followWidths (services: Services, instanceName: string, widths: { concurrency: number, maxConcurrency: number, callWidth?: number }): {
  items: () => number
  /** The run's own limits (a fixed call width), for its items' calls. */
  own?: OwnLimits
  stop: () => RunWidths | undefined
} {
  const start = widths.concurrency
  const ceiling = Math.max(start, widths.maxConcurrency)
  const limits: Array<[string, AdaptiveLimit]> = []
  if (services.rs.limit !== undefined) limits.push(['rs', services.rs.limit])
  const cs = services.cs(instanceName).limit
  if (cs !== undefined) limits.push([`cs:${instanceName}`, cs])
  if (limits.length === 0) return { items: () => start, stop: () => undefined }
  const { callWidth } = widths
  // A fixed call width is this run's alone: its calls wait for limits of their own, and the shared ones
  // (the buttons', another instance's night) are left as they are.
  const own = callWidth === undefined ? undefined : new Map(limits.map(([, limit]) => [limit, new AdaptiveLimit({ initial: callWidth, max: callWidth })]))
  const used = limits.map(([name, limit]) => [name, own?.get(limit) ?? limit] as const)
  const leave = own === undefined ? limits.map(([, limit]) => limit.joinRun(start, ceiling)) : []
  const records = used.map(([name, limit]) => [name, recordWidth(limit)] as const)
  const items: WidthRecord = { start, min: start, max: start, final: start }
  return {
    items: () => {
      const now = own !== undefined || start >= ceiling ? start : Math.min(ceiling, Math.max(...used.map(([, limit]) => limit.limit)))
      items.min = Math.min(items.min, now)
      items.max = Math.max(items.max, now)
      items.final = now
      return now
    },
    ...(own === undefined ? {} : { own }),
    stop: () => {
      const upstreams = Object.fromEntries(records.map(([name, record]) => [name, record.stop()]))
      for (const left of leave) left()
      return { items: { ...items }, upstreams }
    }
  }
}

/** Tells listeners (metrics, notifications) that the run ended; their trouble never changes the summary. */
function announce (services: Services, summary: SyncSummary): SyncSummary {
  const { runId, instance, status, counts, durationMs } = summary
  try {
    services.events.emit('sync-run-finished', { instance, runId, status, counts: { ...counts }, durationMs, finishedAt: services.now() })
  } catch (err) {
    services.log.warn({ err }, 'a sync-run-finished listener failed')
  }
  return summary
}

/** The candidates, until the signal says stop. */
async function * until (candidates: Candidate[], signal?: AbortSignal): AsyncGenerator<Candidate> {
  for (const candidate of candidates) {
    if (signal?.aborted === true) return
    yield candidate
  }
}

/** An item whose upstream failed in a way worth retrying is run again after a backoff; the push resumes. */
async function syncWithRetries (
  services: Services,
  instanceName: string,
  instance: InstanceConfig,
  candidate: Candidate,
  runId: string,
  dryRun: boolean
): Promise<ActionResult> {
  const refresh = candidate.kind === 'refresh'
  const attempts: string[] = []
  for (let attempt = 0; ; attempt++) {
    const result = await runAction(services, refresh ? refreshItem : pushResource, {
      rsid: candidate.rsid,
      queryType: refresh ? 'retrieve-metadata' : 'push-resource',
      caller: 'sync',
      instance: instanceName,
      dryRun,
      syncRunId: runId
    }, { keepGoing: true, memo: candidate.resourceType === undefined ? {} : { resourceType: candidate.resourceType } })
    if (result.outcome === 'already-pushed' && await pushedByAttempt(services, result, attempts)) {
      return { ...result, outcome: 'pushed', message: `pushed by this item's attempt before the retry; then ${result.message}` }
    }
    attempts.push(result.transactionId)
    // Only upstream trouble is worth another try (5xx, timeouts); a refused value or a gone resource is not.
    if (result.outcome !== 'upstream-error' || result.httpStatus < 500 || attempt >= itemRetries) return result
    services.log.info({ rsid: candidate.rsid, attempt }, 'retrying sync item after an upstream error')
    await sleep(backoffDelay(attempt + 1, { retries: itemRetries, baseDelayMs: services.config.sync.retryBaseDelayMs, maxDelayMs: 10_000 }))
  }
}

/**
 * Whether an earlier attempt of this item made the push a retry found done: it failed after CS had the
 * media (RS refused the write set, say). The run reports the item as pushed, as it was, by this run.
 */
async function pushedByAttempt (services: Services, result: ActionResult, attempts: readonly string[]): Promise<boolean> {
  if (attempts.length === 0 || result.linkId === undefined) return false
  const link = await services.store.links.get(result.linkId)
  return link?.transactionId != null && attempts.includes(link.transactionId)
}

/** `--refresh` for an already-synced resource: only the metadata, written where it changed. */
async function refreshItem (ctx: ActionContext): Promise<HandlerResult> {
  const resolved = await resolveObject(ctx)
  if (isEarly(resolved)) return await reportEarly(ctx, resolved)
  const { changes, refused } = await mappedMetadata(ctx, resolved)
  const base = { instance: resolved.instanceName, accessionNumber: resolved.accessionNumber, object: resolved.object, changes, refused }
  if (changes.length === 0) return { ...base, outcome: 'unchanged', detail: 'metadata already current' }
  const detail = `${changes.length} field(s) (${fieldNames(changes)}) from CollectionSpace object ${resolved.accessionNumber} after it changed`
  await ctx.writer.commit({ instance: resolved.instanceName, outcome: 'updated', detail, changes, refused })
  return { ...base, outcome: 'updated', detail }
}
