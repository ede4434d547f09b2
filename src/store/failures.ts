/**
 * Each resource's latest failure in an instance, and when the nightly run may try it again. An upstream
 * error (RS or CS down, a 503) is retried on later nights with a growing gap — the next night, then two,
 * four, eight nights later — and given up after `maxAttempts`; any other failure (not found, ambiguous,
 * no accession number, no derivative) is only worth another try once something changed in RS or CS. A
 * success removes the row. Dry runs never come here.
 */
import type { Kysely, Selectable } from 'kysely'
import type { Database, ResourceFailuresTable } from './schema.js'

export interface ResourceFailure {
  instance: string
  rsid: number
  accessionNumber: string | null
  outcome: string
  message: string | null
  attempts: number
  firstFailedAt: string
  lastFailedAt: string
  /** When an upstream error may be tried again; null when only a change makes a retry worthwhile. */
  retryAfter: string | null
}

export interface FailureRepo {
  /** Records a failed attempt (counting attempts) or, for a success, forgets the resource's failure. */
  record (r: { instance: string, rsid: number, accessionNumber: string | null, outcome: string, message: string, failed: boolean, at: Date }): Promise<void>
  /** The instance's failures, by rsid. */
  list (instance: string): Promise<ResourceFailure[]>
}

const dayMs = 24 * 60 * 60 * 1000
/** An hour less than whole nights, so a run that starts a little earlier than the last one still qualifies. */
const slackMs = 60 * 60 * 1000

/** When an upstream error may be retried after its n-th attempt: 1, 2, 4, 8… nights later. */
export function retryAfter (attempts: number, at: Date): Date {
  return new Date(at.getTime() + 2 ** Math.max(0, attempts - 1) * dayMs - slackMs)
}

export function createFailureRepo (db: Kysely<Database>): FailureRepo {
  return {
    async record ({ instance, rsid, accessionNumber, outcome, message, failed, at }) {
      if (!failed) {
        await db.deleteFrom('resource_failures').where('instance', '=', instance).where('rsid', '=', rsid).execute()
        return
      }
      await db.transaction().execute(async function upsert (trx) {
        const earlier = await trx.selectFrom('resource_failures').selectAll().where('instance', '=', instance).where('rsid', '=', rsid).executeTakeFirst()
        // A different kind of failure starts a new count: its retry rule is a different one.
        const attempts = earlier !== undefined && earlier.outcome === outcome ? Number(earlier.attempts) + 1 : 1
        const row = {
          instance,
          rsid,
          accession_number: accessionNumber,
          outcome,
          message,
          attempts,
          first_failed_at: earlier?.first_failed_at ?? at.toISOString(),
          last_failed_at: at.toISOString(),
          retry_after: outcome === 'upstream-error' ? retryAfter(attempts, at).toISOString() : null
        }
        if (earlier === undefined) await trx.insertInto('resource_failures').values(row).execute()
        else await trx.updateTable('resource_failures').set(row).where('instance', '=', instance).where('rsid', '=', rsid).execute()
      })
    },

    async list (instance) {
      const rows = await db.selectFrom('resource_failures').selectAll().where('instance', '=', instance).orderBy('rsid').execute()
      return rows.map(toFailure)
    }
  }
}

function toFailure (row: Selectable<ResourceFailuresTable>): ResourceFailure {
  return {
    instance: row.instance,
    rsid: Number(row.rsid),
    accessionNumber: row.accession_number,
    outcome: row.outcome,
    message: row.message,
    attempts: Number(row.attempts),
    firstFailedAt: row.first_failed_at,
    lastFailedAt: row.last_failed_at,
    retryAfter: row.retry_after
  }
}
