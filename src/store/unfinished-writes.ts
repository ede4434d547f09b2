/**
 * Resources whose latest RS write set did not finish. An action records its write set before writing and
 * clears it once every write is done; what a crash, an RS outage, or a button answered before its writes
 * leaves behind is listed here, and the next nightly run of the instance runs the resource again, which
 * writes the full set (metadata, CS URL, status sentence, and the synced flag last).
 */
import type { Kysely } from 'kysely'
import { nowIso } from './columns.js'
import type { Database } from './schema.js'

export interface UnfinishedWritesRepo {
  /** The resource's write set of this transaction starts; a later set replaces an earlier one. */
  begin (rsid: number, instance: string | null, transactionId: string): Promise<void>
  /** That write set is done (a later transaction's set stays listed). */
  finish (rsid: number, transactionId: string): Promise<void>
  /** Resources of the instance with an unfinished write set, oldest first. */
  list (instance: string): Promise<Array<{ rsid: number, transactionId: string, since: string }>>
}

export function createUnfinishedWritesRepo (db: Kysely<Database>): UnfinishedWritesRepo {
  return {
    async begin (rsid, instance, transactionId) {
      await db.insertInto('unfinished_rs_writes')
        .values({ rsid, instance, transaction_id: transactionId, since: nowIso() })
        .onConflict(oc => oc.column('rsid').doUpdateSet({ instance, transaction_id: transactionId, since: nowIso() }))
        .execute()
    },

    async finish (rsid, transactionId) {
      await db.deleteFrom('unfinished_rs_writes').where('rsid', '=', rsid).where('transaction_id', '=', transactionId).execute()
    },

    async list (instance) {
      const rows = await db.selectFrom('unfinished_rs_writes').selectAll().where('instance', '=', instance).orderBy('since').execute()
      return rows.map(r => ({ rsid: Number(r.rsid), transactionId: r.transaction_id, since: r.since }))
    }
  }
}
