/**
 * spacelink's durable memory: transactions, links, sync runs and the locks that let several processes share
 * one database. `openStore(url)` is the only way in; the engine (SQLite or PostgreSQL) is chosen by the URL
 * and invisible to everything above the repositories.
 */
import { sql, type Kysely } from 'kysely'
import { createAttentionRepo, type AttentionRepo } from './attention.js'
import { openDatabase, type DatabaseOptions, type Engine, type PoolUse } from './database.js'
import { createFailureRepo, type FailureRepo } from './failures.js'
import { createIncidentRepo, type IncidentRepo } from './incidents.js'
import { createLinkHistoryRepo, type LinkHistoryRepo } from './link-history.js'
import { createLinkRepo, type LinkRepo } from './links.js'
import { createLockRepo, type LockRepo, type LockSettings } from './locks.js'
import { migrateToLatest } from './migrate.js'
import { pruneTransactionDetails } from './retention.js'
import type { Database } from './schema.js'
import { createSyncRunRepo, type SyncRunRepo } from './sync-runs.js'
import { createTransactionRepo, type TransactionRepo } from './transactions.js'
import { createUnfinishedWritesRepo, type UnfinishedWritesRepo } from './unfinished-writes.js'

export interface Store {
  engine: Engine
  db: Kysely<Database>
  /** Applies pending migrations (a no-op when there are none); returns the names applied. */
  migrate (): Promise<{ applied: string[] }>
  /** Throws when the database is unusable (used by /ready). */
  ping (): Promise<void>
  close (): Promise<void>
  /** Connection pool use (queries, and on PostgreSQL the lock connections), for metrics. */
  poolUse (): PoolUse[]
  transactions: TransactionRepo
  links: LinkRepo
  /** What ResourceSync publishes: the append-only history of finished and deleted links. */
  linkHistory: LinkHistoryRepo
  syncRuns: SyncRunRepo
  locks: LockRepo
  unfinishedWrites: UnfinishedWritesRepo
  failures: FailureRepo
  /** Open incidents of the sync watch (failed or stale nightly). */
  incidents: IncidentRepo
  /** Resources whose latest action failed: the status page's "needs attention". */
  attention: AttentionRepo
  /** Clears raw records, steps and mapped values of transactions older than the given age; links are kept. */
  prune (olderThanDays: number): Promise<{ transactions: number }>
}

export interface StoreOptions extends DatabaseOptions, LockSettings {
  /** Run migrations before returning. Default true. */
  migrate?: boolean
}

export async function openStore (url: string, opts: StoreOptions = {}): Promise<Store> {
  const { engine, db, newPgPool, poolUse } = await openDatabase(url, opts)
  const locks = createLockRepo(engine, db, { ...opts, newPgPool })
  let closed: Promise<void> | undefined
  const store: Store = {
    engine,
    db,
    migrate: () => migrateToLatest(engine, db),
    async ping () {
      await sql`select 1`.execute(db)
    },
    close () {
      // Closing twice (e.g. an error path and an onClose hook) is harmless.
      closed ??= Promise.all([locks.close(), db.destroy()]).then(() => {})
      return closed
    },
    poolUse: () => [...poolUse(), ...locks.poolUse()],
    transactions: createTransactionRepo(db),
    links: createLinkRepo(db, engine),
    linkHistory: createLinkHistoryRepo(db),
    syncRuns: createSyncRunRepo(db),
    locks,
    unfinishedWrites: createUnfinishedWritesRepo(db),
    failures: createFailureRepo(db),
    incidents: createIncidentRepo(db),
    attention: createAttentionRepo(db),
    prune: (olderThanDays) => pruneTransactionDetails(db, olderThanDays)
  }
  if (opts.migrate !== false) {
    try {
      await store.migrate()
    } catch (err) {
      await store.close()
      throw err
    }
  }
  return store
}

export { defaultDatabaseUrl, engineOf, type Engine, type PoolUse } from './database.js'
export type { LinkChange, LinkEventRow } from './link-events.js'
export type { LinkEvent, LinkHistoryRepo, PublishedLink, ResourceKey } from './link-history.js'
export { LinkExistsError, linkSteps, type LinkFilter, type LinkPatch, type LinkRepo, type LinkRow, type LinkStep, type NewLink } from './links.js'
export type { Incident, IncidentRepo } from './incidents.js'
export { standingQueryTypes, type AttentionItem, type AttentionPage, type AttentionRepo } from './attention.js'
export { defaultLockWaitMs, lockTimeout, type LockRepo, type ResourceLockOptions, type RunLockState } from './locks.js'
export { migrations } from './migrate.js'
export type { Database } from './schema.js'
export { type SyncRunItem, type SyncRunItemRow, type SyncRunRepo, type SyncRunRow, type SyncRunStatus } from './sync-runs.js'
export type { NewTransaction, RsWrite, TransactionFilter, TransactionRepo, TransactionResult, TransactionRow, TransactionSortField } from './transactions.js'
export type { Page, PageRequest } from './columns.js'
export { retryAfter, type FailureRepo, type ResourceFailure } from './failures.js'
export type { UnfinishedWritesRepo } from './unfinished-writes.js'
