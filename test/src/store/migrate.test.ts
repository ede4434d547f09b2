import { Migrator, sql } from 'kysely'
import t from 'tap'
import { migrations, openStore, type Store } from '../../../src/store/index.js'
import { engines, freshDatabaseUrl } from '../../helpers/databases.js'

const allMigrations = Object.keys(migrations).sort()
const tables = [
  'incidents',
  'link_event_log',
  'link_events',
  'links',
  'resource_failures',
  'rs_writes',
  'run_locks',
  'resource_locks',
  'sync_run_items',
  'sync_runs',
  'transactions',
  'unfinished_rs_writes'
]

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
    t.test('an upgraded database keeps its failures: the latest failed item of each resource becomes a failure row', async t => {
      const url = await freshDatabaseUrl(t, engine)
      const store = await openStore(url, { migrate: false })
      t.teardown(() => store.close())
      const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => migrations } })
      t.equal((await migrator.migrateTo('0002-incidents')).error, undefined)
      const run = async (id: string, options: string, items: Array<[number, string, string]>): Promise<void> => {
        await store.db.insertInto('sync_runs').values({ id, instance: 'art', started_at: '2030-01-01T00:00:00Z', finished_at: null, status: 'finished', options, counts: '{}', total: null, holder: 'h', error: null } as never).execute()
        for (const [rsid, outcome, at] of items) await store.db.insertInto('sync_run_items').values({ run_id: id, rsid, accession_number: `n${rsid}`, outcome, message: outcome, transaction_id: null, updated_at: at }).execute()
      }
      await run(
        'night-1',
        '{}',
        [[1, 'upstream-error', '2030-01-01T02:00:00Z'], [2, 'not-found', '2030-01-01T02:00:00Z'], [3, 'ambiguous', '2030-01-01T02:00:00Z']]
      )
      await run('night-2', '{}', [[2, 'pushed', '2030-01-02T02:00:00Z']])
      await run('dry', '{"dryRun":true}', [[4, 'not-found', '2030-01-03T02:00:00Z']])
      const tx = async (id: string, rsid: number, caller: string, queryType: string, outcome: string, at: string): Promise<void> => {
        await store.db.insertInto('transactions').values({ id, started_at: at, finished_at: at, caller, rsid, instance: 'art', query_type: queryType, outcome, http_status: 200, duration_ms: 1, message: outcome, dry_run: 0, sync_run_id: null, steps: '[]', raw: null, mapped: null, details_pruned_at: null } as never).execute()
      }
      // Resource 7 was pushed by a button (no metadata) and never pulled again; 8 was pulled later; 9 came from a night.
      await tx('t7', 7, 'json', 'push-resource', 'pushed', '2030-01-01T09:00:00Z')
      await tx('t8a', 8, 'api_webhooks', 'push-resource', 'pushed', '2030-01-01T09:00:00Z')
      await tx('t8b', 8, 'browser', 'retrieve-metadata', 'updated', '2030-01-01T10:00:00Z')
      await tx('t9', 9, 'sync', 'sync', 'pushed', '2030-01-01T02:00:00Z')
      await store.migrate()
      t.same(
        (await store.unfinishedWrites.list('art')).map(u => [u.rsid, u.transactionId]),
        [[7, 't7']],
        'a button push left without its metadata is finished by the next night'
      )
      t.same((await store.failures.list('art')).map(f => [f.rsid, f.outcome, f.attempts, f.retryAfter]), [
        [1, 'upstream-error', 1, '2030-01-01T02:00:00Z'],
        [3, 'ambiguous', 1, null]
      ], 'a later success wins, dry runs do not count')
    })

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
