/**
 * Databases for tests, on both engines. SQLite lives in a temporary directory; PostgreSQL gets scratch
 * databases (`spacelink_test_<random>`) created on the test server, by default
 * postgres://postgres@127.0.0.1:5432/test (or SPACELINK_TEST_PG_URL), and dropped when the test ends.
 * PostgreSQL is part of the normal suite: when the server is unreachable the test fails and says so.
 *
 * Each tap test file runs in its own process, so `databaseUrl(engine)` is one database per test file;
 * `freshDatabaseUrl(t, engine)` gives a test an empty database of its own.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import t from 'tap'
import { openStore, type Store, type StoreOptions } from '../../src/store/index.js'

export type Engine = 'sqlite' | 'postgres'

export const engines: readonly Engine[] = ['sqlite', 'postgres']

/** The part of a tap test these helpers need. */
export interface Teardown {
  teardown (fn: () => unknown): void
}

const defaultAdminUrl = 'postgres://postgres@127.0.0.1:5432/test'

export function pgAdminUrl (): string {
  return process.env.SPACELINK_TEST_PG_URL ?? defaultAdminUrl
}

async function withAdminClient<T> (work: (client: pg.Client) => Promise<T>): Promise<T> {
  const adminUrl = pgAdminUrl()
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
  } catch (err) {
    throw new Error(`the PostgreSQL test server is unreachable at ${adminUrl} (${(err as Error).message}). ` +
      'The store tests need it: start PostgreSQL there, or set SPACELINK_TEST_PG_URL to a server where the user may CREATE DATABASE.', { cause: err })
  }
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

async function createPgDatabase (): Promise<{ url: string, drop: () => Promise<void> }> {
  const name = `spacelink_test_${randomBytes(6).toString('hex')}`
  await withAdminClient(client => client.query(`create database ${name}`))
  const url = new URL(pgAdminUrl())
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    // FORCE ends connections a test left open (e.g. a killed child process's).
    drop: () => withAdminClient(async client => { await client.query(`drop database if exists ${name} with (force)`) })
  }
}

async function createSqliteDatabase (): Promise<{ url: string, drop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'spacelink-test-'))
  return {
    url: `sqlite:${join(dir, 'spacelink.db')}`,
    drop: () => rm(dir, { recursive: true, force: true })
  }
}

/** URL of a new, empty database of `engine`, removed when `test` ends. */
export async function freshDatabaseUrl (test: Teardown, engine: Engine): Promise<string> {
  const created = engine === 'postgres' ? await createPgDatabase() : await createSqliteDatabase()
  test.teardown(created.drop)
  return created.url
}

const perFile = new Map<Engine, Promise<string>>()

/** The test file's own database of `engine`: created on first use, removed when the file's tests end. */
export function databaseUrl (engine: Engine): Promise<string> {
  let url = perFile.get(engine)
  if (url === undefined) {
    url = freshDatabaseUrl(t, engine)
    perFile.set(engine, url)
  }
  return url
}

/**
 * A migrated store closed when `test` ends: on the test file's database of `engine`, or with `fresh: true`
 * on an empty database of its own.
 */
export async function openTestStore (test: Teardown, engine: Engine, opts: StoreOptions & { fresh?: boolean } = {}): Promise<Store> {
  const { fresh, ...storeOptions } = opts
  const url = fresh === true ? await freshDatabaseUrl(test, engine) : await databaseUrl(engine)
  const store = await openStore(url, storeOptions)
  test.teardown(() => store.close())
  return store
}
