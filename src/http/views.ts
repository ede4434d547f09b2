/** The JSON shape of stored rows in the REST API: domain fields, `id`, `type` and absolute `_links`. */
import type { Config } from '../config/schema.js'
import type { LinkRow, SyncRunRow, TransactionRow } from '../store/index.js'
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
