/**
 * The tables as kysely sees them. Column names are snake_case in the database; the repositories map rows to
 * the camelCase shapes the rest of spacelink uses. The same column types serve both engines: timestamps are
 * ISO-8601 UTC text (they sort correctly as text), JSON is text, booleans are 0/1 integers, so a row reads the
 * same on SQLite and PostgreSQL. PostgreSQL answers `bigint` columns and `count(*)` as strings, hence the
 * `string` in some select types; the repositories turn them into numbers.
 */
import type { ColumnType } from 'kysely'

/** A 64-bit integer column: written as a number, read back as a number (SQLite) or a string (PostgreSQL). */
type NullableBigIntColumn = ColumnType<number | string | null, number | null, number | null>

export interface TransactionsTable {
  id: string
  started_at: string
  finished_at: string | null
  caller: string
  rsid: number
  instance: string | null
  query_type: string
  outcome: string | null
  http_status: number | null
  duration_ms: number | null
  message: string | null
  dry_run: number
  sync_run_id: string | null
  /** JSON array of upstream calls. */
  steps: string
  /** The CollectionSpace record XML as received. */
  raw: string | null
  /** JSON object of mapped values. */
  mapped: string | null
  details_pruned_at: string | null
  /** The accession number the action worked with; null when it had none (or before migration 0005). */
  accession_number: string | null
}

/** One RS field write of a transaction: recorded before the write, marked written after it. */
export interface RsWritesTable {
  transaction_id: string
  position: number
  field: string
  field_ref: number | null
  previous: string
  value: string
  written_at: string | null
  /** The field's title in RS when the write was recorded, for people; null before migration 0005. */
  title: string | null
}

export interface LinksTable {
  id: string
  rsid: number
  instance: string
  size: string
  version: number
  object_csid: string
  object_number: string
  blob_csid: string | null
  media_csid: string | null
  relation_object_media_csid: string | null
  relation_media_object_csid: string | null
  byte_length: NullableBigIntColumn
  sha256: string | null
  md5: string | null
  filename: string | null
  content_type: string | null
  step: string
  transaction_id: string | null
  created_at: string
  updated_at: string
  /** When the link first reached step `done`: the time of its `created`/`updated` event in link_events. */
  done_at: string | null
  /** When spacelink found this link's CS media deleted (links.markMediaDeleted). */
  media_deleted_at: string | null
}

/**
 * The append-only history of published resources (one resource = rsid + instance + size), written in the
 * same database transaction as the link change that causes it. `seq` counts 1, 2, 3… per instance without
 * gaps; `datetime` never decreases along it.
 */
export interface LinkEventsTable {
  instance: string
  seq: number
  rsid: number
  size: string
  /** `created` | `updated` | `deleted` */
  change: string
  datetime: string
  /** The link version the event is about (for `deleted`: the one whose media went). */
  link_id: string
}

/** One row (id 1): when the link history begins. */
export interface LinkEventLogTable {
  id: number
  started_at: string
}

export interface SyncRunsTable {
  id: string
  instance: string
  started_at: string
  finished_at: string | null
  status: string
  /** JSON object. */
  options: string
  /** JSON object of counts by outcome. */
  counts: string
  total: number | null
  holder: string
  error: string | null
  /** JSON array of warnings. */
  warnings: string
}

export interface SyncRunItemsTable {
  run_id: string
  rsid: number
  accession_number: string | null
  outcome: string
  message: string | null
  transaction_id: string | null
  updated_at: string
}

/** A resource whose latest RS write set did not finish: the next nightly run completes it. */
export interface UnfinishedRsWritesTable {
  rsid: number
  instance: string | null
  transaction_id: string
  since: string
}

/** A resource's latest failure in an instance, with its retry schedule across nightly runs. */
export interface ResourceFailuresTable {
  instance: string
  rsid: number
  accession_number: string | null
  outcome: string
  message: string | null
  attempts: number
  first_failed_at: string
  last_failed_at: string
  /** When an upstream error may be retried; null for failures retried only once something changed. */
  retry_after: string | null
}

/** Per-resource locks on SQLite (PostgreSQL uses advisory locks instead). */
export interface ResourceLocksTable {
  key: string
  holder: string
  expires_at: string
}

/** One sync run per instance at a time, across processes and replicas. */
export interface RunLocksTable {
  instance: string
  holder: string
  acquired_at: string
  expires_at: string
}

/** The open incident of the sync watch, per instance. */
export interface IncidentsTable {
  instance: string
  kind: string
  detail: string
  run_id: string | null
  opened_at: string
}

export interface Database {
  transactions: TransactionsTable
  rs_writes: RsWritesTable
  links: LinksTable
  link_events: LinkEventsTable
  link_event_log: LinkEventLogTable
  sync_runs: SyncRunsTable
  sync_run_items: SyncRunItemsTable
  resource_locks: ResourceLocksTable
  run_locks: RunLocksTable
  unfinished_rs_writes: UnfinishedRsWritesTable
  resource_failures: ResourceFailuresTable
  incidents: IncidentsTable
}
