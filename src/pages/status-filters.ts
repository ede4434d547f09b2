/**
 * The recent-actions filters of the status page, read from its query string: instance, outcome, action,
 * resource, a date range (UTC days, both ends included) and the page. Anything that is not a valid choice
 * is refused (400) rather than silently ignored, so a list never claims to be filtered when it is not.
 */
import { invalid } from '../callback/parse-params.js'
import type { TransactionFilter } from '../store/index.js'
import { outcomes, queryTypes } from '../vocabulary.js'

export interface StatusFilters {
  instance?: string
  outcome?: string
  queryType?: string
  rsid?: number
  /** `YYYY-MM-DD` */
  from?: string
  to?: string
  /** Zero-based. */
  page: number
  size: number
  /** True when any filter is set. */
  active: boolean
  /** The query string of these filters, with some values replaced (for paging links). */
  query: (overrides?: { page?: number }) => string
  /** The store's filter for this page of actions. */
  toTransactionFilter: () => TransactionFilter
}

const pageSize = 25
const day = /^\d{4}-\d{2}-\d{2}$/

export function parseStatusFilters (query: Record<string, unknown>, instances: readonly string[]): StatusFilters {
  const text = (name: string): string | undefined => {
    const value = query[name]
    if (value === undefined || value === '') return undefined
    if (typeof value !== 'string') throw invalid(`filter '${name}' is given more than once`, `/${name}`)
    return value
  }
  const choice = (name: string, allowed: readonly string[]): string | undefined => {
    const value = text(name)
    if (value !== undefined && !allowed.includes(value)) throw invalid(`${name} must be one of ${allowed.join(', ')}`, `/${name}`)
    return value
  }
  const date = (name: string): string | undefined => {
    const value = text(name)
    if (value !== undefined && (!day.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))) throw invalid(`${name} must be a date (YYYY-MM-DD)`, `/${name}`)
    return value
  }
  const whole = (name: string, max: number): number | undefined => {
    const value = text(name)
    if (value === undefined) return undefined
    if (!/^\d{1,10}$/.test(value) || Number(value) > max) throw invalid(`${name} must be a whole number`, `/${name}`)
    return Number(value)
  }
  const filters = {
    instance: choice('instance', instances),
    outcome: choice('outcome', outcomes),
    queryType: choice('query_type', queryTypes),
    rsid: whole('rsid', 2 ** 31 - 1),
    from: date('from'),
    to: date('to')
  }
  const page = whole('page', 100_000) ?? 0
  const active = Object.values(filters).some(v => v !== undefined)
  const params: Array<[string, string | number | undefined]> = [
    ['instance', filters.instance],
    ['outcome', filters.outcome],
    ['query_type', filters.queryType],
    ['rsid', filters.rsid],
    ['from', filters.from],
    ['to', filters.to]
  ]
  return {
    ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)),
    page,
    size: pageSize,
    active,
    query: (overrides = {}) => new URLSearchParams([
      ...params.filter((p): p is [string, string | number] => p[1] !== undefined).map(([k, v]) => [k, String(v)] as [string, string]),
      ['page', String(overrides.page ?? page)]
    ]).toString(),
    toTransactionFilter: () => ({
      page,
      size: pageSize,
      ...(filters.instance === undefined ? {} : { instance: filters.instance }),
      ...(filters.outcome === undefined ? {} : { outcome: filters.outcome }),
      ...(filters.queryType === undefined ? {} : { queryType: filters.queryType }),
      ...(filters.rsid === undefined ? {} : { rsid: filters.rsid }),
      ...(filters.from === undefined ? {} : { since: `${filters.from}T00:00:00.000Z` }),
      ...(filters.to === undefined ? {} : { until: new Date(Date.parse(`${filters.to}T00:00:00Z`) + 86_400_000).toISOString() })
    })
  }
}
