import t from 'tap'
import { LinkExistsError, openStore, type NewLink } from '../../../src/store/index.js'
import { engines, freshDatabaseUrl } from '../../helpers/databases.js'

function newLink (over: Partial<NewLink> = {}): NewLink {
  return {
    rsid: 42,
    instance: 'art',
    size: 'scr',
    objectCsid: 'obj-1',
    objectNumber: '2019.12.3',
    filename: 'bampfa_2019-12-3.jpg',
    contentType: 'image/jpeg',
    transactionId: null,
    ...over
  }
}

for (const engine of engines) {
  t.test(engine, async t => {
    const url = await freshDatabaseUrl(t, engine)
    const store = await openStore(url)
    t.teardown(() => store.close())

    t.test('a push records each step before the next and is found again afterwards', async t => {
      const tx = await store.transactions.create({ caller: 'api_webhooks', rsid: 42, instance: 'art', queryType: 'push-resource' })
      const started = await store.links.start(newLink({ transactionId: tx.id }))
      t.match(
        started,
        { rsid: 42, instance: 'art', size: 'scr', version: 1, step: 'started', blobCsid: null, mediaCsid: null, transactionId: tx.id, doneAt: null }
      )

      const blob = await store.links.update(
        started.id,
        { step: 'blob-created', blobCsid: 'blob-9', byteLength: 5_000_000_123, sha256: 'ab'.repeat(32), md5: 'cd'.repeat(16) }
      )
      t.match(blob, { step: 'blob-created', blobCsid: 'blob-9', byteLength: 5_000_000_123, sha256: 'ab'.repeat(32) }, 'lengths beyond 32 bits survive')
      t.ok(blob.updatedAt >= started.updatedAt)

      // A crash here leaves the link at blob-created: a retry finds it and resumes instead of uploading again.
      const resumed = await store.links.findCurrent(42, 'art', 'scr')
      t.match(resumed, { id: started.id, step: 'blob-created', blobCsid: 'blob-9' })

      await store.links.update(started.id, { step: 'media-created', mediaCsid: 'media-3' })
      await store.links.update(started.id, { step: 'relation-object-media', relationObjectMediaCsid: 'rel-om' })
      await store.links.update(started.id, { step: 'relations-created', relationMediaObjectCsid: 'rel-mo' })
      await store.links.update(started.id, { step: 'rs-updated' })
      const done = await store.links.update(started.id, { step: 'done' })
      t.match(
        done,
        { step: 'done', blobCsid: 'blob-9', mediaCsid: 'media-3', relationObjectMediaCsid: 'rel-om', relationMediaObjectCsid: 'rel-mo', md5: 'cd'.repeat(16) },
        'earlier results are kept'
      )
      t.type(done.doneAt, 'string')
      const again = await store.links.update(started.id, { step: 'done' })
      t.equal(again.doneAt, done.doneAt, 'doneAt is when it first became done')
      t.same(await store.links.get(started.id), again)
    })

    t.test('one link per resource, instance, size and version: a second start is a typed conflict', async t => {
      const err = await store.links.start(newLink()).catch((e: unknown) => e)
      t.ok(err instanceof LinkExistsError)
      t.match(err, { code: 'LINK_EXISTS', status: 409, extra: { rsid: 42, instance: 'art', size: 'scr', version: 1 } })
      t.ok((await store.links.start(newLink({ size: 'pre' }))).id, 'another size is another link')
      t.ok((await store.links.start(newLink({ instance: 'film' }))).id, 'another instance is another link')
    })

    t.test('two replicas starting the same link at once: exactly one wins', async t => {
      const other = await openStore(url, { migrate: false })
      t.teardown(() => other.close())
      const attempts = await Promise.allSettled([store, other, store, other].map(s => s.links.start(newLink({ rsid: 500 }))))
      t.equal(attempts.filter(a => a.status === 'fulfilled').length, 1)
      t.ok(attempts.filter(a => a.status === 'rejected').every(a => (a as PromiseRejectedResult).reason instanceof LinkExistsError))
    })

    t.test('force creates a new version; findCurrent answers the highest', async t => {
      await store.links.start(newLink({ rsid: 60, version: 1 }))
      const v2 = await store.links.start(newLink({ rsid: 60, version: 2, filename: 'again.jpg' }))
      t.match(await store.links.findCurrent(60, 'art', 'scr'), { id: v2.id, version: 2, filename: 'again.jpg' })
      t.equal(await store.links.findCurrent(60, 'art', 'thm'), undefined)
      await store.links.start(newLink({ rsid: 60, size: 'pre' }))
      t.same((await store.links.findByRsid(60)).map(l => `${l.size}/${l.version}`), ['pre/1', 'scr/1', 'scr/2'])
      t.same(await store.links.findByRsid(61), [])
    })

    t.test('updating an unknown link is a 404', async t => {
      await t.rejects(store.links.update('no-such-link', { step: 'done' }), { code: 'LINK_NOT_FOUND', status: 404 })
      t.equal(await store.links.get('no-such-link'), undefined)
    })

    t.test('listing filters and pages; listDone sees only finished links', async t => {
      const made = []
      for (let rsid = 900; rsid < 905; rsid++) {
        const l = await store.links.start(newLink({ rsid, instance: 'photo' }))
        await store.db.updateTable('links').set({ created_at: `2030-01-01T00:00:0${rsid - 900}.000Z` }).where('id', '=', l.id).execute()
        made.push(l)
      }
      await store.links.update(made[1]!.id, { step: 'done' })
      await store.links.update(made[3]!.id, { step: 'done' })

      const page = await store.links.list({ instance: 'photo', page: 0, size: 2 })
      t.equal(page.total, 5)
      t.same(page.items.map(l => l.rsid), [904, 903], 'newest first')
      t.same((await store.links.list({ instance: 'photo', page: 2, size: 2 })).items.map(l => l.rsid), [900])
      t.same(
        (await store.links.list({ instance: 'photo', page: 0, size: 10, sort: { field: 'rsid', dir: 'asc' } })).items.map(l => l.rsid),
        [900, 901, 902, 903, 904]
      )
      t.same((await store.links.list({ instance: 'photo', step: 'done', page: 0, size: 10 })).items.map(l => l.rsid), [903, 901], 'by step')
      t.same((await store.links.list({ rsid: 902, page: 0, size: 10 })).items.map(l => l.id), [made[2]!.id], 'by rsid')

      t.equal(await store.links.countDone('photo'), 2)
      const done = await store.links.listDone({ instance: 'photo', limit: 10 })
      t.same(done.map(l => l.rsid).sort(), [901, 903])
      const first = await store.links.listDone({ instance: 'photo', limit: 1 })
      const rest = await store.links.listDone({ instance: 'photo', afterId: first[0]!.id, limit: 10 })
      t.same([...first, ...rest].map(l => l.id), done.map(l => l.id), 'afterId pages through in id order')
    })
  })
}
