/**
 * Incidents of the sync watch (a failed or stale nightly), one open row per instance. Opening inserts the
 * row only when none is open and says whether this caller did it; closing deletes it and returns it. So of
 * several replicas checking at once, exactly one opens (and notifies) and exactly one closes.
 */
import type { Kysely } from 'kysely'
import type { Database } from './schema.js'

export interface Incident {
  instance: string
  kind: 'failed' | 'stale'
  detail: string
  runId: string | null
  openedAt: string
}

export interface IncidentRepo {
  /** True when this call opened the incident; false when one was already open for the instance. */
  open (incident: Incident): Promise<boolean>
  /** Closes the instance's open incident; returns it, or undefined when none was open (or another closed it). */
  close (instance: string): Promise<Incident | undefined>
  get (instance: string): Promise<Incident | undefined>
}

export function createIncidentRepo (db: Kysely<Database>): IncidentRepo {
  return {
    async open (i) {
      const inserted = await db.insertInto('incidents')
        .values({ instance: i.instance, kind: i.kind, detail: i.detail, run_id: i.runId, opened_at: i.openedAt })
        .onConflict(oc => oc.column('instance').doNothing())
        .returning('instance')
        .executeTakeFirst()
      return inserted !== undefined
    },

    async close (instance) {
      const row = await db.deleteFrom('incidents').where('instance', '=', instance).returningAll().executeTakeFirst()
      return row === undefined ? undefined : toIncident(row)
    },

    async get (instance) {
      const row = await db.selectFrom('incidents').selectAll().where('instance', '=', instance).executeTakeFirst()
      return row === undefined ? undefined : toIncident(row)
    }
  }
}

function toIncident (row: { instance: string, kind: string, detail: string, run_id: string | null, opened_at: string }): Incident {
  return { instance: row.instance, kind: row.kind as Incident['kind'], detail: row.detail, runId: row.run_id, openedAt: row.opened_at }
}
