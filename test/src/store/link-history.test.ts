/**
 * The link history at store level, on both engines: every path that finishes a link or loses its media
 * appends the right event in the same transaction, the history only grows (seq without gaps, datetime
 * never decreasing, also across replicas), and a snapshot of an earlier point never changes.
 */
import { Migrator } from 'kysely'
import t from 'tap'
import { migrations, openStore, type LinkEvent, type LinkRow, type NewLink, type Store } from '../../../src/store/index.js'
import { engines, freshDatabaseUrl, type Teardown } from '../../helpers/databases.js'

function newLink (over: Partial<NewLink> = {}): NewLink {
  return { rsid: 42, instance: 'art', size: 'scr', objectCsid: 'obj-1', objectNumber: '2019.12.3', filename: 'a.jpg', contentType: 'image/jpeg', ...over }
}

/** A link taken through every step to done, as a push does. */
async function push (store: Store, over: Partial<NewLink> = {}): Promise<LinkRow> {
  const link = await store.links.start(newLink(over))
  await store.links.update(link.id, { step: 'blob-created', blobCsid: `blob-${link.id}`, byteLength: 10, sha256: 'ab'.repeat(32), md5: 'cd'.repeat(16) })
  await store.links.update(link.id, { step: 'relations-created', mediaCsid: `media-${link.id}` })
  return await store.links.update(link.id, { step: 'done' })
}

async function all<T> (items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

async function history (store: Store, instance = 'art'): Promise<LinkEvent[]> {
  const head = await store.linkHistory.head(instance)
  return await all(store.linkHistory.events(instance, { from: 1, to: head?.seq ?? 0, batchSize: 2 }))
}

const summary = (events: LinkEvent[]): string[] => events.map(e => `${e.seq} ${e.rsid}/${e.size} ${e.change} v${e.link.version}`)

async function storeOn (t: Teardown, engine: 'sqlite' | 'postgres'): Promise<{ store: Store, url: string }> {
  const url = await freshDatabaseUrl(t, engine)
  const store = await openStore(url)
  t.teardown(() => store.close())
  return { store, url }
}

for (const engine of engines) {
  t.test(engine, async t => {
    t.test('finishing a link records created, a forced newer version updated, a second done nothing', async t => {
      const { store } = await storeOn(t, engine)
      const unfinished = await store.links.start(newLink({ rsid: 7 }))
      await store.links.update(unfinished.id, { step: 'blob-created', blobCsid: 'b' })
      t.same(await history(store), [], 'steps before done are not changes')

      const v1 = await push(store)
      t.equal((await store.links.update(v1.id, { step: 'done' })).doneAt, v1.doneAt, 'done again keeps the first doneAt')
      const v2 = await push(store, { version: 2 })
      await push(store, { size: 'thm' })
      await push(store, { instance: 'film' })

      const events = await history(store)
      t.same(summary(events), ['1 42/scr created v1', '2 42/scr updated v2', '3 42/thm created v1'])
      t.equal(events[0]!.datetime, v1.doneAt, 'the event time is the link\'s doneAt (one clock for lastmod and datetime)')
      t.equal(events[1]!.datetime, v2.doneAt)
      t.same(summary(await history(store, 'film')), ['1 42/scr created v1'], 'each instance has its own history')
      t.same((await store.linkHistory.head('art')), { seq: 3, datetime: events[2]!.datetime })
      t.equal(await store.linkHistory.head('nothing'), undefined)
      t.equal(await store.linkHistory.datetimeOf('art', 2), v2.doneAt)
      t.equal(await store.linkHistory.datetimeOf('art', 4), undefined)
      t.ok((await store.linkHistory.startedAt()) <= events[0]!.datetime, 'the history starts before its first event')
    })

    t.test('media found deleted: the published version records deleted once; other versions only get marked', async t => {
      const { store } = await storeOn(t, engine)
      const v1 = await push(store)
      const v2 = await push(store, { version: 2 })
      const unfinished = await store.links.start(newLink({ rsid: 43 }))

      const old = await store.links.markMediaDeleted(v1.id)
      t.type(old.mediaDeletedAt, 'string', 'an older version is marked')
      const inFlight = await store.links.markMediaDeleted(unfinished.id, '2031-05-06T07:08:09Z')
      t.equal(inFlight.mediaDeletedAt, '2031-05-06T07:08:09.000Z', 'the time is stored in the store\'s one format')
      t.same(summary(await history(store)), ['1 42/scr created v1', '2 42/scr updated v2'], 'neither was published: no event')

      const gone = await store.links.markMediaDeleted(v2.id)
      const again = await store.links.markMediaDeleted(v2.id, '2999-01-01T00:00:00Z')
      t.equal(again.mediaDeletedAt, gone.mediaDeletedAt, 'marking twice keeps the first time')
      const events = await history(store)
      t.same(summary(events), ['1 42/scr created v1', '2 42/scr updated v2', '3 42/scr deleted v2'])
      t.equal((await store.linkHistory.latest('art', { rsid: 42, size: 'scr' }))?.change, 'deleted')
      t.same(await all(store.linkHistory.resourcesAt('art', { asOf: 3 })), [], 'a deleted resource is not listed')

      const v3 = await push(store, { version: 3 })
      t.same(summary(await history(store)).slice(3), ['4 42/scr created v3'], 'a version done after the deletion makes it exist again')
      t.same((await all(store.linkHistory.resourcesAt('art', { asOf: 4 }))).map(e => e.linkId), [v3.id])

      await t.rejects(store.links.markMediaDeleted('no-such-link'), { code: 'LINK_NOT_FOUND', status: 404 })
      await t.rejects(store.links.markMediaDeleted(v3.id, 'yesterday'), RangeError)
      t.equal((await store.links.get(v3.id))?.mediaDeletedAt, null, 'a refused call changes nothing')
    })

    t.test('an event never goes before one already written, whatever time the caller gives', async t => {
      const { store } = await storeOn(t, engine)
      const v1 = await push(store)
      await store.links.markMediaDeleted(v1.id, '2001-01-01T00:00:00.000Z')
      const [created, deleted] = await history(store)
      t.equal(deleted!.change, 'deleted')
      t.equal(deleted!.datetime, created!.datetime, 'an earlier time is moved up to the last event\'s')
      t.equal((await store.links.get(v1.id))?.mediaDeletedAt, '2001-01-01T00:00:00.000Z', 'the link keeps the time the caller gave')
    })

    t.test('two replicas finishing links at once: seq 1…n without gaps, datetimes never decreasing', async t => {
      const { store, url } = await storeOn(t, engine)
      const other = await openStore(url, { migrate: false })
      t.teardown(() => other.close())
      const stores = [store, other]
      const started = await Promise.all(Array.from({ length: 24 }, (_, i) => stores[i % 2]!.links.start(newLink({ rsid: 100 + i }))))
      await Promise.all(started.map((l, i) => stores[(i + 1) % 2]!.links.update(l.id, { step: 'done' })))
      await Promise.all(started.slice(0, 6).map((l, i) => stores[i % 2]!.links.markMediaDeleted(l.id)))

      const events = await history(store)
      t.same(events.map(e => e.seq), Array.from({ length: 30 }, (_, i) => i + 1))
      t.ok(events.every((e, i) => i === 0 || e.datetime >= events[i - 1]!.datetime), 'datetimes never decrease')
      t.same(events.filter(e => e.change === 'created').map(e => e.rsid).sort(), started.map(l => l.rsid).sort())
      for (const l of started) t.equal((await store.links.get(l.id))?.doneAt, events.find(e => e.linkId === l.id && e.change === 'created')?.datetime)
    })

    t.test('resources after any event: a snapshot that later changes do not touch, read in pages', async t => {
      const { store } = await storeOn(t, engine)
      for (const rsid of [5, 3, 9, 1]) await push(store, { rsid })
      await push(store, { rsid: 3, size: 'pre' })
      const asOf = (await store.linkHistory.head('art'))!.seq
      const before = await all(store.linkHistory.resourcesAt('art', { asOf, batchSize: 2 }))
      t.same(before.map(e => `${e.rsid}/${e.size}`), ['1/scr', '3/pre', '3/scr', '5/scr', '9/scr'], 'in (rsid, size) order')

      const v2 = await push(store, { rsid: 5, version: 2 })
      await store.links.markMediaDeleted(before[0]!.linkId)
      await push(store, { rsid: 2 })
      const entry = (e: LinkEvent): string => `${e.seq} ${e.change} ${e.datetime} ${e.linkId}`
      t.same((await all(store.linkHistory.resourcesAt('art', { asOf, batchSize: 2 }))).map(entry), before.map(entry), 'the old snapshot is unchanged')

      const now = (await store.linkHistory.head('art'))!.seq
      const current = await all(store.linkHistory.resourcesAt('art', { asOf: now }))
      t.same(
        current.map(e => `${e.rsid}/${e.size} ${e.change} v${e.link.version}`),
        ['2/scr created v1', '3/pre created v1', '3/scr created v1', '5/scr updated v2', '9/scr created v1']
      )
      t.equal(current[3]!.linkId, v2.id)
      t.match(await store.links.get(v2.id), current[3]!.link, 'each entry carries its link version\'s fields')

      const page = await all(store.linkHistory.resourcesAt('art', { asOf: now, after: { rsid: 3, size: 'pre' }, limit: 2, batchSize: 1 }))
      t.same(page.map(e => `${e.rsid}/${e.size}`), ['3/scr', '5/scr'], 'after a key, at most limit')
      t.same(
        await all(store.linkHistory.resourceKeysAt('art', { asOf: now, after: { rsid: 3, size: 'scr' }, batchSize: 1 })),
        [{ rsid: 5, size: 'scr' }, { rsid: 9, size: 'scr' }]
      )
      t.same(await all(store.linkHistory.resourcesAt('art', { asOf: 0 })), [], 'nothing exists before the first event')
      t.equal(await store.linkHistory.latest('art', { rsid: 77, size: 'scr' }), undefined)
    })

    t.test('links finished before the history existed get it from doneAt when the migration runs', async t => {
      const url = await freshDatabaseUrl(t, engine)
      const store = await openStore(url, { migrate: false })
      t.teardown(() => store.close())
      const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => migrations } })
      t.equal((await migrator.migrateTo('0001-initial')).error, undefined)
      const rows = [
        { id: 'b', rsid: 2, size: 'scr', version: 1, done_at: '2024-01-02T00:00:00.000Z' },
        { id: 'a', rsid: 1, size: 'scr', version: 1, done_at: '2024-01-01T00:00:00.000Z' },
        { id: 'c', rsid: 1, size: 'scr', version: 2, done_at: '2024-01-03T00:00:00.000Z' },
        { id: 'd', rsid: 3, size: 'scr', version: 1, done_at: null }
      ]
      for (const r of rows) {
        await store.db.insertInto('links').values({
          ...r,
          instance: 'art',
          object_csid: 'o',
          object_number: 'n',
          step: r.done_at === null ? 'started' : 'done',
          created_at: '2024-01-01T00:00:00.000Z',
          updated_at: '2024-01-01T00:00:00.000Z'
        } as never).execute()
      }
      t.same((await store.migrate()).applied.includes('0004-link-events'), true)
      t.same(summary(await history(store)), ['1 1/scr created v1', '2 2/scr created v1', '3 1/scr updated v2'])
      t.equal(await store.linkHistory.startedAt(), '2024-01-01T00:00:00.000Z', 'the history starts at the first finished link')
      const next = await push(store, { rsid: 4 })
      t.match(await store.linkHistory.head('art'), { seq: 4, datetime: next.doneAt }, 'new events continue the sequence')
    })
  })
}
