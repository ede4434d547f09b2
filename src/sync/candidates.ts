/**
 * What a run works on, as a stream: first the resources whose synced field is empty (`!empty<ref>`,
 * paged with `fetchrows=offset,rows` until a short page, all refs collected before the first is yielded),
 * then earlier failures worth another try (all of them with `--retry-failed`; otherwise only those whose
 * RS data or CS object changed since), then with `--refresh` the synced resources whose CS object changed
 * since the last complete refresh (found through the links, and by accession number).
 */
import type { Services } from '../actions/action-context.js'
import type { InstanceConfig } from '../config/schema.js'

export interface Candidate {
  rsid: number
  /** From the search row, for resources the candidate search listed. */
  resourceType?: number
  kind: 'new' | 'retry' | 'refresh'
}

export interface CandidateOptions {
  limit: number | null
  refresh: boolean
  retryFailed: boolean
}

export async function * findCandidates (services: Services, instanceName: string, instance: InstanceConfig, opts: CandidateOptions, onTotal: (total: number) => void): AsyncGenerator<Candidate> {
  const { rs, store, config } = services
  const limit = opts.limit ?? Number.POSITIVE_INFINITY
  const seen = new Set<number>()
  const restypes = instance.resourceTypes
  const take = (rsid: number): boolean => {
    if (seen.has(rsid) || seen.size >= limit) return false
    seen.add(rsid)
    return true
  }

  const syncedRef = await rs.resolveFieldRef(config.resourcespace.fields.synced)
  // Every page is read before the first item runs: syncing an item sets its synced field, which takes it
  // out of this very search, so offset paging while items are processed skips rows (a 1,000-resource run
  // synced only about 600). Only ref and type are kept: 100,000 candidates are a few megabytes.
  const fresh = new Map<number, number>()
  for await (const page of rs.searchPages(`!empty${syncedRef}`, { restypes })) {
    for (const row of page) if (fresh.size < limit) fresh.set(row.ref, row.resourceType)
    if (fresh.size >= limit) break
  }
  for (const [rsid, resourceType] of fresh) if (take(rsid)) yield { rsid, resourceType, kind: 'new' }

  const failed = await store.syncRuns.itemsFailedFor(instanceName)
  if (failed.length > 0 && seen.size < limit) {
    const changed = opts.retryFailed ? undefined : await changedSinceFailure(services, instanceName, instance, failed)
    for (const item of failed) {
      if (changed !== undefined && !changed.has(item.rsid)) continue
      if (take(item.rsid)) yield { rsid: item.rsid, kind: 'retry' }
    }
  }

  if (opts.refresh && seen.size < limit) {
    const since = await refreshWatermark(services, instanceName)
    if (since !== undefined) {
      const changed = new Map<string, string>()
      for await (const objects of services.cs(instanceName).objectsUpdatedSince(since)) {
        for (const object of objects) changed.set(object.csid, object.objectNumber)
      }
      // The links name every pushed resource's object, whichever way its accession number was found
      // (an RS field search alone misses the numbers that come from the original filename).
      for await (const rsid of linkedTo(services, instanceName, changed)) if (take(rsid)) yield { rsid, kind: 'refresh' }
      const accessionField = config.resourcespace.fields.accessionNumber
      for (const objectNumber of new Set(changed.values())) {
        if (seen.size >= limit) break
        const resources = await rs.findByAccessionNumber(accessionField, objectNumber, { restypes })
        for (const r of resources) if (take(r.ref)) yield { rsid: r.ref, kind: 'refresh' }
      }
    }
  }
  onTotal(seen.size)
}

/** Resources with a finished push to one of these objects, read from the links page by page. */
async function * linkedTo (services: Services, instanceName: string, objects: Map<string, string>): AsyncGenerator<number> {
  if (objects.size === 0) return
  const size = 500
  let afterId: string | undefined
  for (;;) {
    const page = await services.store.links.listDone({ instance: instanceName, limit: size, ...(afterId === undefined ? {} : { afterId }) })
    for (const link of page) if (objects.has(link.objectCsid)) yield link.rsid
    if (page.length < size) return
    afterId = page[page.length - 1]?.id
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

/** Failed items whose RS resource was modified, or whose accession number's CS object changed, after the failure. */
async function changedSinceFailure (services: Services, instanceName: string, instance: InstanceConfig, failed: Array<{ rsid: number, accessionNumber: string | null, updatedAt: string }>): Promise<Set<number>> {
  const { rs, config } = services
  const changed = new Set<number>()
  const oldest = failed.map(f => f.updatedAt).sort()[0]
  const synced = await rs.fieldDefinition(config.resourcespace.fields.synced)
  const rows = await rs.search(`${synced.name}:false`, { restypes: instance.resourceTypes })
  const failedAt = new Map(failed.map(f => [f.rsid, Date.parse(f.updatedAt)]))
  for (const row of rows) {
    const at = failedAt.get(row.ref)
    if (at !== undefined && row.modified !== undefined && Date.parse(row.modified.replace(' ', 'T') + 'Z') > at) changed.add(row.ref)
  }
  if (oldest !== undefined) {
    const byNumber = new Map<string, number[]>()
    for (const f of failed) if (f.accessionNumber !== null) byNumber.set(f.accessionNumber, [...(byNumber.get(f.accessionNumber) ?? []), f.rsid])
    for await (const objects of services.cs(instanceName).objectsUpdatedSince(oldest)) {
      for (const o of objects) for (const rsid of byNumber.get(o.objectNumber) ?? []) changed.add(rsid)
    }
  }
  return changed
}
