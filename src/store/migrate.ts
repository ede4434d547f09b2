/**
 * Versioned migrations, run by `spacelink migrate` and at every start. Running them again is a no-op, and
 * several replicas starting at once apply them exactly once: on PostgreSQL the whole run (including the
 * creation of kysely's own bookkeeping tables) happens under a session advisory lock; on SQLite kysely runs
 * the migrations in one transaction, which our driver begins with BEGIN IMMEDIATE, so the second process
 * waits for the first and then finds nothing left to do.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely'
import { SpacelinkError } from '../errors.js'
import type { Engine } from './database.js'
import * as initial from './migrations/0001-initial.js'
import * as incidents from './migrations/0002-incidents.js'
import * as resourceState from './migrations/0003-resource-state.js'
import * as linkEvents from './migrations/0004-link-events.js'
import * as peoplePages from './migrations/0005-people-pages.js'
import type { Database } from './schema.js'

/** Every migration, in order. Names sort alphabetically in the order they must run; never rename one. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-incidents': incidents,
  '0003-resource-state': resourceState,
  '0004-link-events': linkEvents,
  '0005-people-pages': peoplePages
}

const staticProvider: MigrationProvider = {
  async getMigrations () {
    return migrations
  }
}

/** The two-int advisory-lock namespace spacelink uses (ASCII "SL"); resource locks share it with other keys. */
export const advisoryLockNamespace = 0x534c

export async function migrateToLatest (engine: Engine, db: Kysely<Database>): Promise<{ applied: string[] }> {
  const migrator = new Migrator({ db, provider: staticProvider })
  if (engine === 'sqlite') return runMigrator(migrator)
  // A dedicated connection holds the lock; the migrator uses other pool connections meanwhile.
  return await db.connection().execute(async function underMigrationLock (conn) {
    await sql`select pg_advisory_lock(${advisoryLockNamespace}, hashtext('spacelink:migrate'))`.execute(conn)
    try {
      return await runMigrator(migrator)
    } finally {
      await sql`select pg_advisory_unlock(${advisoryLockNamespace}, hashtext('spacelink:migrate'))`.execute(conn)
    }
  })
}

async function runMigrator (migrator: Migrator): Promise<{ applied: string[] }> {
  const { error, results = [] } = await migrator.migrateToLatest()
  if (error !== undefined) {
    const failed = results.find(r => r.status === 'Error')?.migrationName
    const where = failed === undefined ? '' : ` in ${failed}`
    throw new SpacelinkError(
      'MIGRATION_FAILED',
      500,
      'Database migration failed',
      `migration failed${where}: ${(error as Error).message ?? String(error)}`,
      {},
      { cause: error }
    )
  }
  return { applied: results.filter(r => r.status === 'Success').map(r => r.migrationName) }
}
