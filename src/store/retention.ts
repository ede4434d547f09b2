/**
 * Retention: after a configurable age, a transaction's bulky details (the raw CS record, the upstream
 * steps, the mapped values) are cleared. The row itself stays, with its outcome and RS writes (a revert
 * needs them), and links are never touched: they are spacelink's memory of what exists in CS.
 */
import type { Kysely } from 'kysely'
import { nowIso } from './columns.js'
import type { Database } from './schema.js'

const dayMs = 24 * 60 * 60 * 1000

/** Clears details of finished transactions started more than `olderThanDays` ago; returns how many were cleared. */
export async function pruneTransactionDetails (db: Kysely<Database>, olderThanDays: number, now = Date.now()): Promise<{ transactions: number }> {
  if (!Number.isFinite(olderThanDays) || olderThanDays < 0) throw new RangeError(`retention age must be a non-negative number of days, got ${olderThanDays}`)
  const cutoff = new Date(now - olderThanDays * dayMs).toISOString()
  const result = await db.updateTable('transactions')
    .set({ raw: null, mapped: null, steps: '[]', details_pruned_at: nowIso() })
    .where('started_at', '<', cutoff)
    // Unfinished transactions may still be writing their details; already pruned ones are left alone.
    .where('finished_at', 'is not', null)
    .where('details_pruned_at', 'is', null)
    .executeTakeFirst()
  return { transactions: Number(result.numUpdatedRows) }
}
