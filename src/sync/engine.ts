/**
 * The nightly sync of one instance: find the RS resources whose synced field is empty (paged, refs
 * collected before work starts, never one URL with every id), run each through the button code with
 * bounded concurrency, retry an item whose upstream failed (the push resumes, so a retry never doubles
 * anything), and record every item's outcome in the run. One failing item never stops the run; only a
 * run that cannot proceed at all (lock held, RS down before the first item) fails.
 */
import { hostname } from 'node:os'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Services } from '../actions/action-context.js'
import { runAction } from '../actions/run-action.js'
import type { ActionResult } from '../actions/types.js'
import type { InstanceConfig } from '../config/schema.js'
import { backoffDelay } from '../clients/http.js'
import { SpacelinkError } from '../errors.js'
import { successfulOutcomes } from '../store/index.js'
import { forEachBounded } from './bounded.js'
import { findCandidates, type Candidate } from './candidates.js'
import { refreshItem, syncItem } from './sync-item.js'

export interface SyncOptions {
  dryRun?: boolean
  limit?: number
  refresh?: boolean
  retryFailed?: boolean
  concurrency?: number
  /**
   * How long the run lock outlives a run that stopped heartbeating (a crashed or killed process): the
   * next run of the instance is refused until then. Default 60 s; tests and benchmarks shorten it.
   */
  lockTtlMs?: number
  /** Called after every item (progress bars, periodic log lines). */
  onProgress?: (p: SyncProgress) => void
  /** Called once the run row exists (the HTTP API answers 202 with it). */
  onStart?: (runId: string) => void
}

export interface SyncProgress {
  done: number
  /** Known once the candidate search has finished paging. */
  total: number | null
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
  status: 'finished' | 'failed'
  total: number
  counts: Record<string, number>
  failures: SyncFailure[]
  durationMs: number
  error?: string
}

const defaultLockTtlMs = 60_000
/** Whole-item attempts after the first (each attempt's calls are already retried inside the clients). */
const itemRetries = 2

export async function runSync (services: Services, instanceName: string, opts: SyncOptions = {}): Promise<SyncSummary> {
  const instance = services.config.instances[instanceName]
  if (instance === undefined) throw new SpacelinkError('UNKNOWN_INSTANCE', 400, 'Unknown instance', `no CollectionSpace instance named '${instanceName}' is configured`)
  const { store, log } = services
  const holder = `${hostname()}:${process.pid}:${randomUUID()}`
  const lockTtlMs = opts.lockTtlMs ?? defaultLockTtlMs
  if (!await store.locks.acquireRunLock(instanceName, holder, lockTtlMs)) {
    throw new SpacelinkError('SYNC_RUNNING', 409, 'A sync run is already in progress', `instance ${instanceName} is being synced by another run; try again when it has finished`)
  }
  const options = { dryRun: opts.dryRun === true, limit: opts.limit ?? null, refresh: opts.refresh === true, retryFailed: opts.retryFailed === true, concurrency: opts.concurrency ?? services.config.sync.concurrency }
  let run: { id: string }
  try {
    await store.syncRuns.interruptStale(instanceName, holder)
    run = await store.syncRuns.create({ instance: instanceName, options, holder })
  } catch (err) {
    // No run row to finish: at least do not leave the instance locked for a whole TTL.
    await store.locks.releaseRunLock(instanceName, holder).catch(() => {})
    throw err
  }
  opts.onStart?.(run.id)
  const started = Date.now()
  const counts: Record<string, number> = {}
  const failures: SyncFailure[] = []
  let lost = false
  const heartbeat = setInterval(() => {
    store.locks.heartbeatRunLock(instanceName, holder, lockTtlMs).then(ok => { if (!ok) lost = true }, (err: unknown) => log.warn({ err }, 'sync heartbeat failed'))
  }, lockTtlMs / 3)
  heartbeat.unref()
  const progress: SyncProgress = { done: 0, total: null, failures: 0, startedAt: started }
  try {
    const candidates = findCandidates(services, instanceName, instance, options, total => {
      progress.total = total
      store.syncRuns.setTotal(run.id, total).catch((err: unknown) => log.warn({ err }, 'could not record the run total'))
    })
    await forEachBounded(candidates, options.concurrency, async (candidate) => {
      if (lost) throw new SpacelinkError('SYNC_LOCK_LOST', 409, 'Sync lock lost', 'another run took over this instance')
      const result = await syncWithRetries(services, instanceName, instance, candidate, run.id, options.dryRun)
      counts[result.outcome] = (counts[result.outcome] ?? 0) + 1
      const failed = !successfulOutcomes.includes(result.outcome)
      if (failed) failures.push({ rsid: candidate.rsid, accessionNumber: result.accessionNumber ?? null, outcome: result.outcome, message: result.message })
      await store.syncRuns.addItem(run.id, { rsid: candidate.rsid, accessionNumber: result.accessionNumber ?? null, outcome: result.outcome, message: result.message, transactionId: result.transactionId })
      progress.done++
      progress.failures = failures.length
      opts.onProgress?.({ ...progress })
    })
    const total = progress.done
    await store.syncRuns.finish(run.id, { status: 'finished', counts })
    log.info({ instance: instanceName, runId: run.id, total, counts }, 'sync run finished')
    return announce(services, { runId: run.id, instance: instanceName, status: 'finished', total, counts, failures, durationMs: Date.now() - started })
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    await store.syncRuns.finish(run.id, { status: 'failed', counts, error: message }).catch(() => {})
    log.error({ err, instance: instanceName, runId: run.id }, 'sync run failed')
    return announce(services, { runId: run.id, instance: instanceName, status: 'failed', total: progress.done, counts, failures, durationMs: Date.now() - started, error: message })
  } finally {
    clearInterval(heartbeat)
    await store.locks.releaseRunLock(instanceName, holder).catch(() => {})
  }
}

/** Tells listeners (metrics, notifications) that the run ended; their trouble never changes the summary. */
function announce (services: Services, summary: SyncSummary): SyncSummary {
  const { runId, instance, status, counts, durationMs } = summary
  try {
    services.events.emit('sync-run-finished', { instance, runId, status, counts: { ...counts }, durationMs, finishedAt: new Date() })
  } catch (err) {
    services.log.warn({ err }, 'a sync-run-finished listener failed')
  }
  return summary
}

/** An item whose upstream failed in a way worth retrying is run again after a backoff; the push resumes. */
async function syncWithRetries (services: Services, instanceName: string, instance: InstanceConfig, candidate: Candidate, runId: string, dryRun: boolean): Promise<ActionResult> {
  for (let attempt = 0; ; attempt++) {
    const result = await runAction(services, {
      rsid: candidate.rsid,
      queryType: candidate.kind === 'refresh' ? 'retrieve-metadata' : 'push-resource',
      caller: 'sync',
      instance: instanceName,
      dryRun,
      syncRunId: runId
    }, { handler: candidate.kind === 'refresh' ? refreshItem : syncItem, queryTypeLabel: candidate.kind === 'refresh' ? 'sync-refresh' : 'sync', keepGoing: true, memo: candidate.resourceType === undefined ? {} : { resourceType: candidate.resourceType } })
    // Only upstream trouble is worth another try (5xx, timeouts); a refused value or a gone resource is not.
    if (result.outcome !== 'upstream-error' || result.httpStatus < 500 || attempt >= itemRetries) return result
    services.log.info({ rsid: candidate.rsid, attempt }, 'retrying sync item after an upstream error')
    await sleep(backoffDelay(attempt + 1, { retries: itemRetries, baseDelayMs: services.config.sync.retryBaseDelayMs, maxDelayMs: 10_000 }))
  }
}
