/**
 * Sync runs and their items: per instance, when a run started and ended, how it ended, counts by outcome,
 * and one result per RS resource (the last word on that resource within the run).
 */
import { randomUUID } from 'node:crypto'
import type { Kysely, Selectable } from 'kysely'
import { fromJson, nowIso, pageWindow, toJson, type Page, type PageRequest } from './columns.js'
import type { Database, SyncRunItemsTable, SyncRunsTable } from './schema.js'

export type SyncRunStatus = 'running' | 'finished' | 'failed' | 'interrupted'

export interface SyncRunRow {
  id: string
  instance: string
  startedAt: string
  finishedAt: string | null
  status: SyncRunStatus
  options: Record<string, unknown>
  counts: Record<string, number>
  total: number | null
  holder: string
  error: string | null
  /** Follow-up work of the run that failed without failing it (e.g. looking for earlier failures to retry). */
  warnings: string[]
}

export interface SyncRunItem {
  rsid: number
  accessionNumber?: string | null
  outcome: string
  message?: string | null
  transactionId?: string | null
}

export interface SyncRunItemRow extends Required<SyncRunItem> {
  runId: string
  updatedAt: string
}

/** The latest result of one resource across an instance's runs, with how many runs it failed in. */
export interface SyncRunRepo {
  create (r: { instance: string, options: Record<string, unknown>, holder: string }): Promise<SyncRunRow>
  /** How many resources the run found to work on (known after the first RS search). */
  setTotal (id: string, total: number): Promise<void>
  /** Progress while running (the final counts come with finish). */
  updateCounts (id: string, counts: Record<string, number>): Promise<void>
  /**
   * Ends the run; `warnings` are follow-up work that failed without failing the run (e.g. finding earlier
   * failures); `options`, when given, replaces the recorded options (the engine adds the widths it ran at).
   */
  finish (id: string, r: {
    status: SyncRunStatus
    counts: Record<string, number>
    error?: string | null
    warnings?: string[]
    options?: Record<string, unknown>
  }): Promise<void>
  get (id: string): Promise<SyncRunRow | undefined>
  /** Newest first. */
  list (f: PageRequest & { instance?: string, status?: SyncRunStatus }): Promise<Page<SyncRunRow>>
  /** Records a resource's result; a second call for the same resource in the same run replaces the first. */
  addItem (runId: string, item: SyncRunItem): Promise<void>
  items (runId: string, f: PageRequest & { outcome?: string }): Promise<Page<SyncRunItemRow>>
  /** The most recently finished run with status `finished` (what `--refresh` compares CS updatedAt against). */
  lastFinished (instance: string): Promise<SyncRunRow | undefined>
  /** The newest run that finished and wrote (dry runs write nothing, so they do not count): when the instance last synced. */
  lastSucceeded (instance: string): Promise<SyncRunRow | undefined>
  /**
   * Marks the instance's runs still `running` under another holder as `interrupted`: called by whoever
   * took over the run lock, since the previous holder died without finishing them. Returns how many.
   */
  interruptStale (instance: string, currentHolder: string): Promise<number>
}

export function createSyncRunRepo (db: Kysely<Database>): SyncRunRepo {
  return {
    async create ({ instance, options, holder }) {
      const row: Selectable<SyncRunsTable> = {
        id: randomUUID(),
        instance,
        started_at: nowIso(),
        finished_at: null,
        status: 'running',
        options: toJson(options),
        counts: '{}',
        total: null,
        holder,
        error: null,
        warnings: '[]'
      }
      await db.insertInto('sync_runs').values(row).execute()
      return toSyncRunRow(row)
    },

    async setTotal (id, total) {
      await db.updateTable('sync_runs').set({ total }).where('id', '=', id).execute()
    },

    async updateCounts (id, counts) {
      await db.updateTable('sync_runs').set({ counts: toJson(counts) }).where('id', '=', id).execute()
    },

    async finish (id, { status, counts, error, warnings, options }) {
      await db.updateTable('sync_runs')
        .set({
          status,
          counts: toJson(counts),
          error: error ?? null,
          warnings: toJson(warnings ?? []),
          finished_at: nowIso(),
          ...(options === undefined ? {} : { options: toJson(options) })
        })
        .where('id', '=', id)
        .execute()
    },

    async get (id) {
      const row = await db.selectFrom('sync_runs').selectAll().where('id', '=', id).executeTakeFirst()
      return row === undefined ? undefined : toSyncRunRow(row)
    },

    async list (f) {
      let query = db.selectFrom('sync_runs')
      if (f.instance !== undefined) query = query.where('instance', '=', f.instance)
      if (f.status !== undefined) query = query.where('status', '=', f.status)
      const { limit, offset } = pageWindow(f)
      const [counted, rows] = await Promise.all([
        query.select(eb => eb.fn.countAll<number | string>().as('total')).executeTakeFirstOrThrow(),
        query.selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute()
      ])
      return { items: rows.map(toSyncRunRow), total: Number(counted.total) }
    },

    async addItem (runId, item) {
      const row = {
        run_id: runId,
        rsid: item.rsid,
        accession_number: item.accessionNumber ?? null,
        outcome: item.outcome,
        message: item.message ?? null,
        transaction_id: item.transactionId ?? null,
        updated_at: nowIso()
      }
      await db.insertInto('sync_run_items').values(row)
        .onConflict(oc => oc.columns(['run_id', 'rsid']).doUpdateSet({
          accession_number: row.accession_number,
          outcome: row.outcome,
          message: row.message,
          transaction_id: row.transaction_id,
          updated_at: row.updated_at
        }))
        .execute()
    },

    async items (runId, f) {
      let query = db.selectFrom('sync_run_items').where('run_id', '=', runId)
      if (f.outcome !== undefined) query = query.where('outcome', '=', f.outcome)
      const { limit, offset } = pageWindow(f)
      const [counted, rows] = await Promise.all([
        query.select(eb => eb.fn.countAll<number | string>().as('total')).executeTakeFirstOrThrow(),
        query.selectAll().orderBy('rsid').limit(limit).offset(offset).execute()
      ])
      return { items: rows.map(toItemRow), total: Number(counted.total) }
    },

    async lastFinished (instance) {
      const row = await db.selectFrom('sync_runs').selectAll()
        .where('instance', '=', instance).where('status', '=', 'finished')
        .orderBy('finished_at', 'desc').orderBy('id', 'desc').limit(1)
        .executeTakeFirst()
      return row === undefined ? undefined : toSyncRunRow(row)
    },

    async lastSucceeded (instance) {
      const row = await db.selectFrom('sync_runs').selectAll()
        .where('instance', '=', instance).where('status', '=', 'finished')
        .where('options', 'not like', '%"dryRun":true%')
        .orderBy('finished_at', 'desc').orderBy('id', 'desc').limit(1)
        .executeTakeFirst()
      return row === undefined ? undefined : toSyncRunRow(row)
    },

    async interruptStale (instance, currentHolder) {
      const result = await db.updateTable('sync_runs')
        .set({ status: 'interrupted', finished_at: nowIso(), error: 'the process running this sync stopped before finishing it' })
        .where('instance', '=', instance).where('status', '=', 'running').where('holder', '!=', currentHolder)
        .executeTakeFirst()
      return Number(result.numUpdatedRows)
    }
  }
}

function toSyncRunRow (row: Selectable<SyncRunsTable>): SyncRunRow {
  return {
    id: row.id,
    instance: row.instance,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status as SyncRunStatus,
    options: fromJson<Record<string, unknown>>(row.options, {}),
    counts: fromJson<Record<string, number>>(row.counts, {}),
    total: row.total,
    holder: row.holder,
    error: row.error,
    warnings: fromJson<string[]>(row.warnings, [])
  }
}

function toItemRow (row: Selectable<SyncRunItemsTable>): SyncRunItemRow {
  return {
    runId: row.run_id,
    rsid: Number(row.rsid),
    accessionNumber: row.accession_number,
    outcome: row.outcome,
    message: row.message,
    transactionId: row.transaction_id,
    updatedAt: row.updated_at
  }
}
