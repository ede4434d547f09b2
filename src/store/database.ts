/**
 * Opens kysely for a `database.url`: `sqlite:PATH` (the embedded default: zero setup) or `postgres://…`
 * (several replicas sharing one database). Nothing above this file knows which engine it talks to, except
 * the lock repository, whose point is an engine feature.
 */
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import SqliteDatabase from 'better-sqlite3'
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type QueryResult,
  type SqliteDialectConfig
} from 'kysely'
import type pg from 'pg'
import { SpacelinkError } from '../errors.js'
import { redactUrl } from '../util/url.js'
import type { Database } from './schema.js'
import { StatementCachingDatabase } from './statement-cache.js'

export type Engine = 'sqlite' | 'postgres'

export const defaultDatabaseUrl = 'sqlite:./data/spacelink.db'

export interface DatabaseOptions {
  /** PostgreSQL: connections for queries. */
  poolSize?: number
  /** SQLite: how long a statement keeps retrying while another connection holds the write lock. Default 5000. */
  busyTimeoutMs?: number
}

export interface OpenedDatabase {
  engine: Engine
  db: Kysely<Database>
  /** PostgreSQL only: a new pool on the same database (the lock repository keeps its own). */
  newPgPool?: (max: number) => pg.Pool
  /** How the connections are used right now (metrics). */
  poolUse: () => PoolUse[]
}

/** One connection pool's use: `idle` and `waiting` only where the driver says (pg does, SQLite has one connection). */
export interface PoolUse {
  pool: string
  max: number
  total: number
  idle?: number
  waiting?: number
}

export function pgPoolUse (pool: string, p: pg.Pool): PoolUse {
  return { pool, max: p.options.max ?? 10, total: p.totalCount, idle: p.idleCount, waiting: p.waitingCount }
}

export function invalidDatabaseUrl (url: string, why: string): SpacelinkError {
  return new SpacelinkError('INVALID_DATABASE_URL', 500, 'Unusable database URL', `database.url ${redactUrl(url)}: ${why}`)
}

/** `sqlite:./data/x.db`, `sqlite:/abs/x.db`, `sqlite:///abs/x.db`, `sqlite::memory:` → the path better-sqlite3 opens. */
export function sqlitePath (url: string): string {
  let path = url.slice('sqlite:'.length)
  if (path.startsWith('//')) path = path.slice(2)
  if (path === '') throw invalidDatabaseUrl(url, 'no file path after sqlite:')
  return path
}

export function engineOf (url: string): Engine {
  if (url.startsWith('sqlite:')) return 'sqlite'
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgres'
  throw invalidDatabaseUrl(url, 'expected sqlite:PATH or postgres://…')
}

export async function openDatabase (url: string, opts: DatabaseOptions = {}): Promise<OpenedDatabase> {
  const engine = engineOf(url)
  if (engine === 'sqlite') return { engine, db: openSqlite(url, opts), poolUse: () => [{ pool: 'sqlite', max: 1, total: 1 }] }
  // Loaded only here: the embedded (SQLite) install never needs the driver (3 MB of the process's memory).
  const { default: pgDriver } = await import('pg')
  const newPgPool = (max: number): pg.Pool => {
    const pool = new pgDriver.Pool({ connectionString: url, max })
    // An idle client whose server went away emits 'error' on the pool; without a listener that kills the process.
    pool.on('error', () => {})
    return pool
  }
  // At least two: migrations hold the advisory lock on one connection while the migrator works on another.
  const pool = newPgPool(Math.max(2, opts.poolSize ?? 10))
  return { engine, db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), newPgPool, poolUse: () => [pgPoolUse('queries', pool)] }
}

function openSqlite (url: string, opts: DatabaseOptions): Kysely<Database> {
  const path = sqlitePath(url)
  const inMemory = path === ':memory:'
  let database: SqliteDatabase.Database | undefined
  try {
    if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true })
    database = new SqliteDatabase(path)
    // WAL lets readers (the API, other processes such as the CLI) go on while one connection writes.
    if (!inMemory) database.pragma('journal_mode = WAL')
    database.pragma('synchronous = NORMAL')
    // No blocking busy wait: better-sqlite3 runs on the event loop thread, so SQLite's own busy_timeout
    // would freeze the whole process (and deadlock two connections of one process). BusyRetryingConnection
    // waits asynchronously instead.
    database.pragma('busy_timeout = 0')
    database.pragma('foreign_keys = ON')
  } catch (err) {
    database?.close()
    throw invalidDatabaseUrl(url, `cannot open ${path}: ${(err as Error).message}`)
  }
  const dialect = new ImmediateSqliteDialect({ database: new StatementCachingDatabase(database) }, opts.busyTimeoutMs ?? 5000)
  return new Kysely<Database>({ dialect })
}

/**
 * Retries a statement that found the database locked by another connection (another process, or another
 * store on the same file), waiting asynchronously so the holder can finish. Safe: a statement that failed
 * with SQLITE_BUSY did nothing, and transactions start with BEGIN IMMEDIATE, so no statement inside one is
 * ever refused half-way (a failed COMMIT leaves the transaction open and may be retried too).
 */
class BusyRetryingConnection implements DatabaseConnection {
  readonly #inner: DatabaseConnection
  readonly #budgetMs: number

  constructor (inner: DatabaseConnection, budgetMs: number) {
    this.#inner = inner
    this.#budgetMs = budgetMs
  }

  async executeQuery<R> (compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const deadline = Date.now() + this.#budgetMs
    for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
      try {
        return await this.#inner.executeQuery<R>(compiledQuery)
      } catch (err) {
        if (!isBusyError(err) || Date.now() >= deadline) throw err
        await sleep(pause)
      }
    }
  }

  streamQuery<R> (compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.#inner.streamQuery<R>(compiledQuery, chunkSize)
  }
}

/**
 * SQLite transactions that start with `BEGIN IMMEDIATE`: the write lock is taken up front, so a transaction
 * that reads and then writes never fails half-way because another connection wrote meanwhile (a deferred
 * transaction cannot be upgraded once its snapshot is stale).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #busyRetryMs: number
  readonly #connections = new WeakMap<DatabaseConnection, DatabaseConnection>()

  constructor (config: SqliteDialectConfig, busyRetryMs: number) {
    super(config)
    this.#busyRetryMs = busyRetryMs
  }

  override async acquireConnection (): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection()
    let retrying = this.#connections.get(connection)
    if (retrying === undefined) {
      retrying = new BusyRetryingConnection(connection, this.#busyRetryMs)
      this.#connections.set(connection, retrying)
    }
    return retrying
  }

  override async beginTransaction (connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

/**
 * SQLite does run DDL inside transactions, though kysely's adapter says otherwise. Saying so makes kysely's
 * Migrator run all pending migrations in one (immediate) transaction: two processes migrating the same file
 * at once are serialised, and the second finds them applied instead of failing on "table already exists".
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl (): boolean {
    return true
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig
  readonly #busyRetryMs: number

  constructor (config: SqliteDialectConfig, busyRetryMs: number) {
    super(config)
    this.#config = config
    this.#busyRetryMs = busyRetryMs
  }

  override createDriver (): Driver {
    return new ImmediateSqliteDriver(this.#config, this.#busyRetryMs)
  }

  override createAdapter (): DialectAdapter {
    return new TransactionalDdlSqliteAdapter()
  }
}

/** SQLite's "database is locked" family: another process holds the write lock longer than busy_timeout. */
export function isBusyError (err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
}

/** A unique or primary-key constraint was violated, on either engine. */
export function isUniqueViolation (err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}
