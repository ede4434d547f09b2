/**
 * What a run works on, as a stream: first the resources whose synced field is empty (`!empty<ref>`,
 * paged with `fetchrows=offset,rows` until a short page), then earlier failures worth another try
 * (all of them with `--retry-failed`; otherwise only those whose RS data or CS object changed since),
 * then with `--refresh` the synced resources whose CS object changed since the last finished run.
 */
import type { Services } from '../actions/action-context.js'
import type { InstanceConfig } from '../config/schema.js'

export interface Candidate {
  rsid: number
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
  for await (const page of rs.searchPages(`!empty${syncedRef}`, { restypes })) {
    for (const row of page) if (take(row.ref)) yield { rsid: row.ref, kind: 'new' }
    if (seen.size >= limit) break
  }

  const failed = await store.syncRuns.itemsFailedFor(instanceName)
  if (failed.length > 0 && seen.size < limit) {
    const changed = opts.retryFailed ? undefined : await changedSinceFailure(services, instanceName, instance, failed)
    for (const item of failed) {
      if (changed !== undefined && !changed.has(item.rsid)) continue
      if (take(item.rsid)) yield { rsid: item.rsid, kind: 'retry' }
    }
  }

  if (opts.refresh && seen.size < limit) {
    const last = await store.syncRuns.lastFinished(instanceName)
    if (last !== undefined) {
      const accessionField = config.resourcespace.fields.accessionNumber
      for await (const objects of services.cs(instanceName).objectsUpdatedSince(last.startedAt)) {
        for (const object of objects) {
          const resources = await rs.findByAccessionNumber(accessionField, object.objectNumber, { restypes })
          for (const r of resources) if (take(r.ref)) yield { rsid: r.ref, kind: 'refresh' }
        }
      }
    }
  }
  onTotal(seen.size)
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
