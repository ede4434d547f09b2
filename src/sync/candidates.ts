/**
 * What a run works on, collected in full before the first item runs (so the total is known, and so
 * syncing an item — which takes it out of the `!empty` search — cannot make offset paging skip rows):
 * 1. the resources whose synced field is empty (`!empty<ref>`, paged until a short page);
 * 2. follow-up work, each part optional: resources whose last RS write set did not finish; links whose
 *    push stopped halfway; earlier failures worth another try — upstream errors when their retry is due
 *    (a growing number of nights apart, a bounded number of times), other failures once their RS
 *    resource or CS object changed, or all of them with `--retry-failed`; and with `--refresh` the synced
 *    resources whose CS object changed since the last complete refresh.
 * Finding follow-up work may fail (RS refusing a search, CS down) without failing the run: the run does
 * the rest and records a warning. Only the first search is essential.
 */
import type { Services } from '../actions/context.js'
import type { InstanceConfig } from '../config/schema.js'
import type { ResourceFailure } from '../store/index.js'

export type CandidateKind = 'new' | 'unfinished' | 'retry' | 'refresh'

export interface Candidate {
  rsid: number
  /** From the search row, for resources the candidate search listed. */
  resourceType?: number
  kind: CandidateKind
}

export interface CandidateOptions {
  limit: number | null
  refresh: boolean
  retryFailed: boolean
  /** Upstream errors are given up after this many attempts. */
  maxAttempts: number
}

export interface CandidateList {
  candidates: Candidate[]
  warnings: string[]
}

export async function findCandidates (services: Services, instanceName: string, instance: InstanceConfig, opts: CandidateOptions): Promise<CandidateList> {
  const { rs, config } = services
  const limit = opts.limit ?? Number.POSITIVE_INFINITY
  const candidates = new Map<number, Candidate>()
  const warnings: string[] = []
  const add = (c: Candidate): void => { if (candidates.size < limit && !candidates.has(c.rsid)) candidates.set(c.rsid, c) }
  const restypes = instance.resourceTypes

  const syncedRef = await rs.resolveFieldRef(config.resourcespace.fields.synced, restypes)
  for await (const page of rs.searchPages(`!empty${syncedRef}`, { restypes })) {
    for (const row of page) add({ rsid: row.ref, resourceType: row.resourceType, kind: 'new' })
    if (candidates.size >= limit) break
  }

  const followUp = async (what: string, find: () => Promise<void>): Promise<void> => {
    if (candidates.size >= limit) return
    try {
      await find()
    } catch (err) {
      warnings.push(`could not look for ${what}: ${err instanceof Error ? err.message : String(err)}`)
      services.log.warn({ err, instance: instanceName }, `sync: could not look for ${what}`)
    }
  }
  await followUp('unfinished RS writes', async () => {
    for (const u of await services.store.unfinishedWrites.list(instanceName)) add({ rsid: u.rsid, kind: 'unfinished' })
  })
  await followUp('pushes that stopped halfway', async () => {
    for (const link of await services.store.links.unfinished(instanceName)) add({ rsid: link.rsid, kind: 'unfinished' })
  })
  await followUp('earlier failures to retry', async () => {
    const failures = await services.store.failures.list(instanceName)
    const due = opts.retryFailed ? failures : await dueForRetry(services, instanceName, instance, failures, opts.maxAttempts)
    for (const f of due) add({ rsid: f.rsid, kind: 'retry' })
  })
  if (opts.refresh) {
    await followUp(
      'CollectionSpace objects changed since the last refresh',
      async () => { await addRefreshed(services, instanceName, instance, add) }
    )
  }
  return { candidates: [...candidates.values()], warnings }
}

/**
 * Failures worth another try now: an upstream error whose retry is due and that has not used up its
 * attempts; any other failure whose RS resource was modified, or whose accession number's CS object
 * changed, after it failed.
 */
async function dueForRetry (
  services: Services,
  instanceName: string,
  instance: InstanceConfig,
  failures: ResourceFailure[],
  maxAttempts: number
): Promise<ResourceFailure[]> {
  const now = services.now().toISOString()
  const upstream = failures.filter(f => f.outcome === 'upstream-error')
  const due = upstream.filter(f => f.attempts < maxAttempts && f.retryAfter !== null && f.retryAfter <= now)
  const others = failures.filter(f => f.outcome !== 'upstream-error')
  if (others.length === 0) return due
  const changed = new Set<number>()
  const failedAt = new Map(others.map(f => [f.rsid, Date.parse(f.lastFailedAt)]))
  for (const row of await services.rs.listResources(others.map(f => f.rsid), { restypes: instance.resourceTypes })) {
    const at = failedAt.get(row.ref)
    // RS's `modified` is a database datetime without a zone; spacelink's own writes come before the failure is recorded.
    if (at !== undefined && row.modified !== undefined && Date.parse(`${row.modified.replace(' ', 'T')}Z`) > at) changed.add(row.ref)
  }
  const byNumber = new Map<string, number[]>()
  for (const f of others) if (f.accessionNumber !== null) byNumber.set(f.accessionNumber, [...(byNumber.get(f.accessionNumber) ?? []), f.rsid])
  const oldest = others.map(f => f.lastFailedAt).sort()[0]
  if (oldest !== undefined && byNumber.size > 0) {
    for await (const objects of services.cs(instanceName).objectsUpdatedSince(oldest)) {
      for (const o of objects) for (const rsid of byNumber.get(o.objectNumber) ?? []) changed.add(rsid)
    }
  }
  return [...due, ...others.filter(f => changed.has(f.rsid))]
}

/** `--refresh`: synced resources whose CS object changed since the last complete refresh. */
async function addRefreshed (services: Services, instanceName: string, instance: InstanceConfig, add: (c: Candidate) => void): Promise<void> {
  const since = await refreshWatermark(services, instanceName)
  if (since === undefined) return
  const changed = new Map<string, string>()
  for await (const objects of services.cs(instanceName).objectsUpdatedSince(since)) {
    for (const object of objects) changed.set(object.csid, object.objectNumber)
  }
  if (changed.size === 0) return
  // The links name every pushed resource's object, whichever way its accession number was found (an RS
  // field search alone misses the numbers that come from the original filename).
  const size = 500
  for (let afterId: string | undefined; ;) {
    const page = await services.store.links.listDone({ instance: instanceName, limit: size, ...(afterId === undefined ? {} : { afterId }) })
    for (const link of page) if (changed.has(link.objectCsid)) add({ rsid: link.rsid, kind: 'refresh' })
    if (page.length < size) break
    afterId = page[page.length - 1]?.id
  }
  const accessionField = services.config.resourcespace.fields.accessionNumber
  for (const objectNumber of new Set(changed.values())) {
    for (const r of await services.rs.findByExactValue(accessionField, objectNumber, { restypes: instance.resourceTypes })) add({ rsid: r.ref, kind: 'refresh' })
  }
}

/**
 * Since when CS changes may be missing from RS: the start of the last finished refresh run that was
 * complete (not a dry run, no limit), else of the first finished run. A plain run pulls metadata only for
 * the resources it syncs, so it must not move this mark: a nightly run between two refreshes would hide
 * every change made before it.
 */
async function refreshWatermark (services: Services, instanceName: string): Promise<string | undefined> {
  const size = 100
  let oldest: string | undefined
  for (let page = 0; ; page++) {
    const { items } = await services.store.syncRuns.list({ instance: instanceName, status: 'finished', page, size })
    for (const run of items) {
      if (run.options.dryRun === true) continue
      if (run.options.refresh === true && (run.options.limit ?? null) === null) return run.startedAt
      oldest = run.startedAt
    }
    if (items.length < size) return oldest
  }
}
