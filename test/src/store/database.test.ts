import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import t from 'tap'
import { engineOf, sqlitePath } from '../../../src/store/database.js'
import { redactUrl } from '../../../src/util/url.js'
import { defaultDatabaseUrl, openStore } from '../../../src/store/index.js'
import { engines, freshDatabaseUrl } from '../../helpers/databases.js'

t.test('database URLs', async t => {
  t.equal(defaultDatabaseUrl, 'sqlite:./data/spacelink.db')
  t.equal(engineOf('sqlite:./data/x.db'), 'sqlite')
  t.equal(engineOf('postgres://u@h/db'), 'postgres')
  t.equal(engineOf('postgresql://u@h/db'), 'postgres')
  t.throws(() => engineOf('mysql://u@h/db'), { code: 'INVALID_DATABASE_URL', message: /expected sqlite:PATH or postgres/ })
  t.equal(sqlitePath('sqlite:./data/x.db'), './data/x.db')
  t.equal(sqlitePath('sqlite:/var/lib/x.db'), '/var/lib/x.db')
  t.equal(sqlitePath('sqlite:///var/lib/x.db'), '/var/lib/x.db')
  t.equal(sqlitePath('sqlite::memory:'), ':memory:')
  t.throws(() => sqlitePath('sqlite:'), { code: 'INVALID_DATABASE_URL' })
  t.equal(redactUrl('postgres://spacelink:s3cret@db:5432/spacelink'), 'postgres://spacelink:***@db:5432/spacelink', 'passwords never reach messages')
  t.equal(redactUrl('postgres://spacelink@db/spacelink'), 'postgres://spacelink@db/spacelink')
})

t.test('sqlite: zero setup — the directory is created, WAL and foreign keys are on', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'spacelink-db-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'nested', 'deeper', 'spacelink.db')
  const store = await openStore(`sqlite:${file}`)
  t.teardown(() => store.close())
  t.equal(store.engine, 'sqlite')
  t.ok(existsSync(file), 'database file created in a new directory')
  const { rows: [mode] } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db)
  t.equal(mode?.journal_mode, 'wal')
  await t.rejects(store.links.start({ rsid: 1, instance: 'art', size: 'scr', objectCsid: 'o', objectNumber: 'n', filename: null, contentType: null, transactionId: 'no-such-transaction' }),
    { code: /SQLITE_CONSTRAINT_FOREIGNKEY/ }, 'foreign keys are enforced')
})

t.test('sqlite: an in-memory database works (handy for tools)', async t => {
  const store = await openStore('sqlite::memory:')
  t.teardown(() => store.close())
  await store.ping()
  t.equal((await store.transactions.create({ caller: 'cli', rsid: 1, instance: null, queryType: 'status' })).rsid, 1)
})

t.test('sqlite: a path that cannot be a database is refused clearly', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'spacelink-db-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'file'), 'not a directory')
  await t.rejects(
    openStore(`sqlite:${join(dir, 'file', 'x.db')}`),
    { code: 'INVALID_DATABASE_URL', message: /cannot open .*x\.db: .*(ENOTDIR|EEXIST)/ },
    'a file where the directory should be'
  )
  await rm(join(dir, 'file'))
  await writeFile(join(dir, 'garbage.db'), 'this is not an SQLite file, just text long enough to fill a header page')
  await t.rejects(openStore(`sqlite:${join(dir, 'garbage.db')}`), { code: 'INVALID_DATABASE_URL', message: /not a database/ }, 'a file that is not SQLite')
})

for (const engine of engines) {
  t.test(`${engine}: ping answers while usable and fails once closed`, async t => {
    const store = await openStore(await freshDatabaseUrl(t, engine))
    await store.ping()
    t.equal(store.engine, engine)
    await store.close()
    await store.close()
    await t.rejects(store.ping(), 'closed store is not ready')
  })
}

t.test('postgres: an unreachable server fails openStore and ping, without leaking the password', async t => {
  const url = 'postgres://spacelink:hunter2@127.0.0.1:1/spacelink'
  const err = await openStore(url).catch((e: unknown) => e as Error)
  t.ok(err instanceof Error)
  t.match((err as NodeJS.ErrnoException).code, 'ECONNREFUSED')
  t.notMatch((err as Error).message, /hunter2/)
  const notMigrated = await openStore(url, { migrate: false })
  t.teardown(() => notMigrated.close())
  await t.rejects(notMigrated.ping(), { code: 'ECONNREFUSED' })
})
