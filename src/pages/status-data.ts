/**
 * What the status page reads, all from spacelink's own store (so it answers while RS or CS is down):
 * the resources that need attention, one page of recent actions, and the recent sync runs with the items
 * per night they worked on.
 */
import { revertableWrites } from '../actions/revert-plan.js'
import type { Config } from '../config/schema.js'
import { standingQueryTypes, type AttentionPage, type Store, type SyncRunRow, type TransactionRow } from '../store/index.js'
import { itemsPerNight, type Night } from './night-chart.js'
import type { StatusFilters } from './status-filters.js'

/** At most this many resources are listed under "needs attention" (the counts cover them all). */
const attentionLimit = 200
/** Runs read for the table (the first ten) and the chart (up to two weeks of nights). */
const runsRead = 100

export interface StatusData {
  attention: AttentionPage
  recent: { items: TransactionRow[], total: number }
  runs: SyncRunRow[]
  nights: Night[]
}

export async function loadStatus (store: Store, filters: StatusFilters, now: Date): Promise<StatusData> {
  const [attention, recent, runs] = await Promise.all([
    store.attention.list({ limit: attentionLimit }),
    store.transactions.list(filters.toTransactionFilter()),
    store.syncRuns.list({ page: 0, size: runsRead })
  ])
  return { attention, recent, runs: runs.items.slice(0, 10), nights: itemsPerNight(runs.items, now) }
}

/** A transaction's writes a revert would undo: metadata written into RS (spacelink's own fields are rewritten by every action). */
export function revertable (config: Config, t: TransactionRow): boolean {
  if (t.dryRun || t.queryType === 'status') return false
  return revertableWrites(config.resourcespace.fields, t.rsWrites).length > 0
}

/** A transaction whose action may be pressed again from its page: one that says where the resource stands. */
export function retryable (t: TransactionRow): boolean {
  return !t.dryRun && (standingQueryTypes as readonly string[]).includes(t.queryType)
}
