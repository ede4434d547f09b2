/**
 * The transaction log: one row per action, whoever asked for it. Each row keeps what an operator needs to
 * understand or undo the action: the upstream calls made, the CS record as received, the mapped values,
 * and every RS field write with the value it replaced (recorded before the write, marked after it).
 */
import { randomUUID } from 'node:crypto'
import type { Kysely, Selectable } from 'kysely'
import type { Caller, UpstreamCall } from '../vocabulary.js'
import { fromJson, nowIso, pageWindow, toJson, type Page, type PageRequest } from './columns.js'
import type { Database, RsWritesTable, TransactionsTable } from './schema.js'

export interface NewTransaction {
  caller: Caller
  rsid: number
  instance: string | null
  queryType: string
  dryRun?: boolean
  syncRunId?: string | null
}

/** One RS field write: `previous` is what RS held before; `writtenAt` stays null until RS accepted the write. */
export interface RsWrite {
  field: string
  fieldRef: number | null
  previous: string
  value: string
  writtenAt: string | null
  /** The field's title in RS, for people (null on writes recorded before spacelink kept it). */
  title?: string | null
}

export interface TransactionRow {
  id: string
  startedAt: string
  finishedAt: string | null
  caller: Caller
  rsid: number
  instance: string | null
  queryType: string
  outcome: string | null
  httpStatus: number | null
  durationMs: number | null
  message: string | null
  dryRun: boolean
  syncRunId: string | null
  steps: UpstreamCall[]
  /** The CS record XML as received; null when there was none or after retention pruned it. */
  raw: string | null
  mapped: Record<string, unknown> | null
  rsWrites: RsWrite[]
  detailsPrunedAt: string | null
  /** The accession number the action worked with, when it found one. */
  accessionNumber: string | null
}

export interface TransactionResult {
  /** Null when the action failed before reaching an outcome (an error the caller gets as a problem). */
  outcome: string | null
  /** The instance the action resolved to; null or omitted keeps what create recorded. */
  instance?: string | null
  httpStatus?: number | null
  message?: string | null
  durationMs?: number | null
  steps?: UpstreamCall[]
  /** Left as it is when omitted. */
  raw?: string | null
  /** Left as it is when omitted. */
  mapped?: Record<string, unknown> | null
  /** The accession number the action worked with; left as it is when omitted. */
  accessionNumber?: string | null
}

export type TransactionSortField = 'startedAt' | 'rsid' | 'outcome' | 'queryType'

export interface TransactionFilter extends PageRequest {
  rsid?: number
  instance?: string
  queryType?: string
  outcome?: string
  syncRunId?: string
  /** Started at or after this ISO-8601 time. */
  since?: string
  /** Started before this ISO-8601 time. */
  until?: string
  /** Default: newest first. */
  sort?: { field: TransactionSortField, dir: 'asc' | 'desc' }
}

export interface TransactionRepo {
  create (t: NewTransaction): Promise<TransactionRow>
  /**
   * Adds RS writes to the transaction's list at positions `from`, `from + 1`… (call it before writing to
   * RS). The list only grows: an action that writes again (the status after an early answer) appends.
   */
  recordRsWrites (id: string, writes: RsWrite[], from?: number): Promise<void>
  /**
   * Marks the writes at these positions written at `writtenAt` (null: not written, a mark taken back), in
   * one statement; positions not recorded are ignored.
   */
  markRsWritesDone (id: string, positions: readonly number[], writtenAt: string | null): Promise<void>
  finish (id: string, r: TransactionResult): Promise<void>
  get (id: string): Promise<TransactionRow | undefined>
  list (f: TransactionFilter): Promise<Page<TransactionRow>>
  /** The most recent transactions of one RS resource, newest first. */
  latestForRsid (rsid: number, limit: number): Promise<TransactionRow[]>
}

const sortColumns = {
  startedAt: 'started_at',
  rsid: 'rsid',
  outcome: 'outcome',
  queryType: 'query_type'
} as const satisfies Record<TransactionSortField, keyof TransactionsTable>

export function createTransactionRepo (db: Kysely<Database>): TransactionRepo {
  async function writesOf (ids: string[]): Promise<Map<string, RsWrite[]>> {
    const byTransaction = new Map<string, RsWrite[]>()
    if (ids.length === 0) return byTransaction
    const rows = await db.selectFrom('rs_writes').selectAll()
      .where('transaction_id', 'in', ids)
      .orderBy('transaction_id').orderBy('position')
      .execute()
    for (const row of rows) {
      const list = byTransaction.get(row.transaction_id) ?? []
      list.push(toRsWrite(row))
      byTransaction.set(row.transaction_id, list)
    }
    return byTransaction
  }

  async function withWrites (rows: Selectable<TransactionsTable>[]): Promise<TransactionRow[]> {
    const writes = await writesOf(rows.map(r => r.id))
    return rows.map(r => toTransactionRow(r, writes.get(r.id) ?? []))
  }

  return {
    async create (t) {
      const row: Selectable<TransactionsTable> = {
        id: randomUUID(),
        started_at: nowIso(),
        finished_at: null,
        caller: t.caller,
        rsid: t.rsid,
        instance: t.instance,
        query_type: t.queryType,
        outcome: null,
        http_status: null,
        duration_ms: null,
        message: null,
        dry_run: t.dryRun === true ? 1 : 0,
        sync_run_id: t.syncRunId ?? null,
        steps: '[]',
        raw: null,
        mapped: null,
        details_pruned_at: null,
        accession_number: null
      }
      await db.insertInto('transactions').values(row).execute()
      return toTransactionRow(row, [])
    },

    async recordRsWrites (id, writes, from = 0) {
      if (writes.length === 0) return
      await db.insertInto('rs_writes').values(writes.map((w, i) => ({
        transaction_id: id,
        position: from + i,
        field: w.field,
        field_ref: w.fieldRef,
        previous: w.previous,
        value: w.value,
        written_at: w.writtenAt,
        title: w.title ?? null
      }))).execute()
    },

    async markRsWritesDone (id, positions, writtenAt) {
      if (positions.length === 0) return
      await db.updateTable('rs_writes').set({ written_at: writtenAt })
        .where('transaction_id', '=', id).where('position', 'in', [...positions])
        .execute()
    },

    async finish (id, r) {
      await db.updateTable('transactions').set({
        finished_at: nowIso(),
        outcome: r.outcome,
        ...(r.instance != null && { instance: r.instance }),
        http_status: r.httpStatus ?? null,
        message: r.message ?? null,
        duration_ms: r.durationMs == null ? null : Math.round(r.durationMs),
        steps: toJson(r.steps ?? []),
        ...(r.raw !== undefined && { raw: r.raw }),
        ...(r.mapped !== undefined && { mapped: r.mapped === null ? null : toJson(r.mapped) }),
        ...(r.accessionNumber !== undefined && { accession_number: r.accessionNumber })
      }).where('id', '=', id).execute()
    },

    async get (id) {
      const row = await db.selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirst()
      if (row === undefined) return undefined
      const [found] = await withWrites([row])
      return found
    },

    async list (f) {
      let query = db.selectFrom('transactions')
      if (f.rsid !== undefined) query = query.where('rsid', '=', f.rsid)
      if (f.instance !== undefined) query = query.where('instance', '=', f.instance)
      if (f.queryType !== undefined) query = query.where('query_type', '=', f.queryType)
      if (f.outcome !== undefined) query = query.where('outcome', '=', f.outcome)
      if (f.syncRunId !== undefined) query = query.where('sync_run_id', '=', f.syncRunId)
      // ISO-8601 UTC text sorts as time does (schema.ts), so a range is a text comparison on both engines.
      if (f.since !== undefined) query = query.where('started_at', '>=', f.since)
      if (f.until !== undefined) query = query.where('started_at', '<', f.until)
      const { limit, offset } = pageWindow(f)
      const sort = f.sort ?? { field: 'startedAt', dir: 'desc' }
      const [counted, rows] = await Promise.all([
        query.select(eb => eb.fn.countAll<number | string>().as('total')).executeTakeFirstOrThrow(),
        query.selectAll()
          .orderBy(sortColumns[sort.field], sort.dir)
          // Ties (same rsid, outcome…) fall back to newest first, then id, so pages never overlap.
          .orderBy('started_at', 'desc').orderBy('id', 'desc')
          .limit(limit).offset(offset)
          .execute()
      ])
      return { items: await withWrites(rows), total: Number(counted.total) }
    },

    async latestForRsid (rsid, limit) {
      const rows = await db.selectFrom('transactions').selectAll()
        .where('rsid', '=', rsid)
        .orderBy('started_at', 'desc').orderBy('id', 'desc')
        .limit(Math.max(0, Math.trunc(limit)))
        .execute()
      return await withWrites(rows)
    }
  }
}

function toRsWrite (row: Selectable<RsWritesTable>): RsWrite {
  return { field: row.field, fieldRef: row.field_ref, previous: row.previous, value: row.value, writtenAt: row.written_at, title: row.title }
}

function toTransactionRow (row: Selectable<TransactionsTable>, rsWrites: RsWrite[]): TransactionRow {
  return {
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    caller: row.caller as Caller,
    rsid: Number(row.rsid),
    instance: row.instance,
    queryType: row.query_type,
    outcome: row.outcome,
    httpStatus: row.http_status,
    durationMs: row.duration_ms,
    message: row.message,
    dryRun: Number(row.dry_run) === 1,
    syncRunId: row.sync_run_id,
    steps: fromJson<UpstreamCall[]>(row.steps, []),
    raw: row.raw,
    mapped: fromJson<Record<string, unknown> | null>(row.mapped, null),
    rsWrites,
    detailsPrunedAt: row.details_pruned_at,
    accessionNumber: row.accession_number
  }
}
