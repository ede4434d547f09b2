/** The JSON shape of stored rows in the REST API: domain fields, `id`, `type` and absolute `_links`. */
import type { Config } from '../config/schema.js'
import type { LinkRow, Store, SyncRunRow, TransactionRow } from '../store/index.js'
import { watchedInstances } from '../observability/watched-instances.js'
import { apiUrl, rsResourceUrl } from './links.js'

export function transactionView (config: Config, t: TransactionRow, detail: boolean): Record<string, unknown> {
  const { raw, mapped, steps, rsWrites, ...summary } = t
  return {
    type: 'transaction',
    ...summary,
    ...(detail ? { steps, rsWrites, raw, mapped } : {}),
    _links: {
      self: { href: apiUrl(config, `/api/v1/transactions/${t.id}`) },
      resource: { href: rsResourceUrl(config, t.rsid) },
      ...(t.syncRunId === null ? {} : { syncRun: { href: apiUrl(config, `/api/v1/sync-runs/${t.syncRunId}`) } })
    }
  }
}

export function linkView (config: Config, l: LinkRow): Record<string, unknown> {
  const instance = config.instances[l.instance]
  return {
    type: 'link',
    ...l,
    _links: {
      self: { href: apiUrl(config, `/api/v1/links/${l.id}`) },
      resource: { href: rsResourceUrl(config, l.rsid) },
      ...(instance === undefined ? {} : { record: { href: instance.cspace.recordUrl.replaceAll('{csid}', encodeURIComponent(l.objectCsid)) } }),
      ...(l.transactionId === null ? {} : { transaction: { href: apiUrl(config, `/api/v1/transactions/${l.transactionId}`) } })
    }
  }
}

export function syncRunView (config: Config, r: SyncRunRow): Record<string, unknown> {
  return {
    type: 'syncrun',
    ...r,
    _links: {
      self: { href: apiUrl(config, `/api/v1/sync-runs/${r.id}`) },
      transactions: { href: apiUrl(config, `/api/v1/transactions?syncRunId=${r.id}`) }
    }
  }
}

/** The configured instances without secrets, each with when it last synced successfully and its last run. */
export async function instanceViews (config: Config, store: Store): Promise<Array<Record<string, unknown>>> {
  const watched = new Map(watchedInstances(config).map(w => [w.instance, w.staleAfterHours]))
  return await Promise.all(Object.entries(config.instances).map(async ([name, i]) => {
    const [success, latest] = await Promise.all([store.syncRuns.lastSucceeded(name), store.syncRuns.list({ instance: name, page: 0, size: 1 })])
    const last = latest.items[0]
    return {
      name,
      resourceTypes: i.resourceTypes,
      servicesUrl: i.cspace.servicesUrl,
      recordUrl: i.cspace.recordUrl,
      derivative: i.derivative,
      accessionNumber: i.accessionNumber,
      mapping: i.mapping,
      schedule: i.schedule ?? null,
      lastSuccessfulSyncAt: success?.finishedAt ?? null,
      staleAfterHours: watched.get(name) ?? null,
      lastRun: last === undefined
        ? null
        : {
            id: last.id,
            status: last.status,
            startedAt: last.startedAt,
            finishedAt: last.finishedAt,
            href: apiUrl(config, `/api/v1/sync-runs/${last.id}`)
          }
    }
  }))
}
