/**
 * What needs a human: each RS resource whose latest action ended in a failure (not found, ambiguous, no
 * accession number, an upstream error, or an error before any outcome). Only actions that say something
 * about the resource's link count — a button or nightly validate, retrieve or push, never a dry run, a
 * `status` look-up or a `revert` — so one later success clears the resource, whoever pressed it.
 * Read-only; answered from the transaction log alone, so the page works while RS or CS is down.
 */
import { sql, type ExpressionBuilder, type Kysely } from 'kysely'
import { successOutcomes } from '../vocabulary.js'
import type { Database } from './schema.js'

export interface AttentionItem {
  /** The failed transaction (the latest that counts for this resource). */
  transactionId: string
  rsid: number
  instance: string | null
  queryType: string
  /** Null: the action failed before reaching an outcome (e.g. the resource is gone from RS). */
  outcome: string | null
  message: string | null
  accessionNumber: string | null
  startedAt: string
  caller: string
}

export interface AttentionPage {
  /** Newest first, at most `limit`. */
  items: AttentionItem[]
  /** How many resources need attention, by outcome (`error` for failures without one). */
  byOutcome: Record<string, number>
  total: number
}

export interface AttentionRepo {
  list (opts: { limit: number, instance?: string }): Promise<AttentionPage>
}

/** The query types whose outcome says where a resource stands. */
export const standingQueryTypes = ['validate-cspace-id', 'retrieve-metadata', 'push-resource', 'push-resource-group'] as const

export function createAttentionRepo (db: Kysely<Database>): AttentionRepo {
  function latestFailures (instance: string | undefined) {
    let query = db.selectFrom('transactions as t')
      .where('t.dry_run', '=', 0)
      .where('t.finished_at', 'is not', null)
      .where('t.query_type', 'in', standingQueryTypes)
      .where(eb => eb.or([eb('t.outcome', 'is', null), eb('t.outcome', 'not in', successOutcomes)]))
      .where(eb => eb.not(eb.exists(laterStanding(eb))))
    if (instance !== undefined) query = query.where('t.instance', '=', instance)
    return query
  }

  return {
    async list ({ limit, instance }) {
      const [counts, rows] = await Promise.all([
        latestFailures(instance)
          .select(['t.outcome', eb => eb.fn.countAll<number | string>().as('n')])
          .groupBy('t.outcome')
          .execute(),
        latestFailures(instance)
          .select(['t.id', 't.rsid', 't.instance', 't.query_type', 't.outcome', 't.message', 't.accession_number', 't.started_at', 't.caller'])
          .orderBy('t.started_at', 'desc').orderBy('t.id', 'desc')
          .limit(Math.max(0, Math.trunc(limit)))
          .execute()
      ])
      const byOutcome: Record<string, number> = {}
      for (const c of counts) byOutcome[c.outcome ?? 'error'] = Number(c.n)
      return {
        items: rows.map(r => ({
          transactionId: r.id,
          rsid: Number(r.rsid),
          instance: r.instance,
          queryType: r.query_type,
          outcome: r.outcome,
          message: r.message,
          accessionNumber: r.accession_number,
          startedAt: r.started_at,
          caller: r.caller
        })),
        byOutcome,
        total: Object.values(byOutcome).reduce((a, b) => a + b, 0)
      }
    }
  }
}

/** A standing action on the same resource after `t` (ties on the start time broken by id, as every listing does). */
function laterStanding (eb: ExpressionBuilder<Database & { t: Database['transactions'] }, 't'>) {
  return eb.selectFrom('transactions as n')
    .select(sql<number>`1`.as('one'))
    .whereRef('n.rsid', '=', 't.rsid')
    .where('n.dry_run', '=', 0)
    .where('n.finished_at', 'is not', null)
    .where('n.query_type', 'in', standingQueryTypes)
    .where(inner => inner.or([
      inner('n.started_at', '>', inner.ref('t.started_at')),
      inner.and([inner('n.started_at', '=', inner.ref('t.started_at')), inner('n.id', '>', inner.ref('t.id'))])
    ]))
}
