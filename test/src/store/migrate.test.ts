import { sql } from 'kysely'
import t from 'tap'
import { migrations, openStore, type Store } from '../../../src/store/index.js'
import { engines, freshDatabaseUrl } from '../../helpers/databases.js'

const allMigrations = Object.keys(migrations).sort()
const tables = ['link_event_log', 'link_events', 'links', 'rs_writes', 'run_locks', 'resource_locks', 'sync_run_items', 'sync_runs', 'transactions']

async function userTables (store: Store): Promise<string[]> {
  const found = await store.db.introspection.getTables()
  return found.map(tb => tb.name).filter(name => !name.startsWith('kysely_')).sort()
}

async function appliedMigrations (store: Store): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db)
  return rows.map(r => r.name)
}

for (const engine of engines) {
  t.test(engine, async t => {
    t.test('an empty database is migrated, and migrating again changes nothing', async t => {
      const url = await freshDatabaseUrl(t, engine)
      const store = await openStore(url, { migrate: false })
      t.teardown(() => store.close())
      t.same(await userTables(store), [], 'starts empty')

      t.same(await store.migrate(), { applied: allMigrations })
      t.same(await userTables(store), tables.sort())
      t.same(await store.migrate(), { applied: [] }, 'second run is a no-op')
      t.same(await appliedMigrations(store), allMigrations, 'each migration recorded once')

      const reopened = await openStore(url)
      t.teardown(() => reopened.close())
      t.same(await reopened.migrate(), { applied: [] }, 'a restart finds nothing to do')
    })

    t.test('two processes starting at once on an empty database: both start, migrations run once', async t => {
      const url = await freshDatabaseUrl(t, engine)
      const [a, b, c] = await Promise.all([openStore(url, { migrate: false }), openStore(url, { migrate: false }), openStore(url, { migrate: false })])
      t.teardown(() => Promise.all([a!.close(), b!.close(), c!.close()]))
      const results = await Promise.all([a!.migrate(), b!.migrate(), c!.migrate()])
      t.same(results.flatMap(r => r.applied).sort(), allMigrations, 'every migration applied by exactly one of them')
      t.same(await appliedMigrations(a!), allMigrations)
      await b!.transactions.create({ caller: 'cli', rsid: 1, instance: null, queryType: 'status' })
      t.equal((await c!.transactions.list({ page: 0, size: 5 })).total, 1, 'all three use the same, complete schema')
    })

    t.test('openStore migrates by default, concurrently too', async t => {
      const url = await freshDatabaseUrl(t, engine)
      const stores = await Promise.all([openStore(url), openStore(url)])
      t.teardown(() => Promise.all(stores.map(s => s.close())))
      t.same(await appliedMigrations(stores[0]), allMigrations)
      t.same(await userTables(stores[1]), tables.sort())
    })

    t.test('a database whose migration history does not match is refused with a clear error', async t => {
      const url = await freshDatabaseUrl(t, engine)
      const store = await openStore(url)
      t.teardown(() => store.close())
      await sql`insert into kysely_migration (name, timestamp) values ('0000-from-the-future', ${new Date().toISOString()})`.execute(store.db)
      await t.rejects(store.migrate(), { code: 'MIGRATION_FAILED', status: 500, message: /corrupted migrations/ })
      await t.rejects(openStore(url), { code: 'MIGRATION_FAILED' }, 'openStore refuses too')
    })
  })
}
