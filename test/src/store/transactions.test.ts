import t from 'tap'
import type { UpstreamCall } from '../../../src/vocabulary.js'
import type { Store } from '../../../src/store/index.js'
import { engines, openTestStore } from '../../helpers/databases.js'

const steps: UpstreamCall[] = [
  { system: 'resourcespace', operation: 'get_resource_field_data', method: 'GET', status: 200, ms: 12 },
  { system: 'collectionspace', operation: 'search collectionobjects', method: 'GET', status: 503, ms: 40, error: 'CollectionSpace answered 503' }
]

/** Gives a transaction a known start time, so sorting and paging are deterministic. */
async function startedAt (store: Store, id: string, iso: string): Promise<void> {
  await store.db.updateTable('transactions').set({ started_at: iso }).where('id', '=', id).execute()
}

for (const engine of engines) {
  t.test(engine, async t => {
    const store = await openTestStore(t, engine, { fresh: true })

    t.test('a transaction is created open and finished with its outcome and details', async t => {
      const created = await store.transactions.create({ caller: 'api_webhooks', rsid: 42, instance: 'art', queryType: 'retrieve-metadata' })
      t.match(created.id, /^[0-9a-f-]{36}$/, 'a UUID, usable in URLs')
      t.match(
        created,
        {
          rsid: 42,
          caller: 'api_webhooks',
          instance: 'art',
          queryType: 'retrieve-metadata',
          outcome: null,
          finishedAt: null,
          dryRun: false,
          syncRunId: null,
          steps: [],
          rsWrites: [],
          raw: null,
          mapped: null
        }
      )
      t.ok(!Number.isNaN(Date.parse(created.startedAt)), 'startedAt is an ISO timestamp')

      const raw = '<document name="collectionobjects"><ns2:collectionobjects_common><objectNumber>2019.12.3</objectNumber></ns2:collectionobjects_common></document>'
      await store.transactions.finish(
        created.id,
        {
          outcome: 'updated',
          httpStatus: 200,
          message: 'updated 2 fields',
          durationMs: 123.6,
          steps,
          raw,
          mapped: { title: 'Sunset', objectNumber: '2019.12.3' }
        }
      )
      const read = await store.transactions.get(created.id)
      t.match(
        read,
        { outcome: 'updated', httpStatus: 200, message: 'updated 2 fields', durationMs: 124, raw, mapped: { title: 'Sunset', objectNumber: '2019.12.3' } }
      )
      t.same(read?.steps, steps, 'upstream calls come back as objects')
      t.ok(read?.finishedAt !== null && read!.finishedAt! >= created.startedAt)

      await store.transactions.finish(created.id, { outcome: 'unchanged', httpStatus: 200, message: null, durationMs: null, steps: [] })
      t.match(
        await store.transactions.get(created.id),
        { outcome: 'unchanged', durationMs: null, raw, mapped: { title: 'Sunset' } },
        'raw and mapped left alone when omitted'
      )
    })

    t.test('finishing records the instance the action resolved to, and failures without an outcome', async t => {
      const created = await store.transactions.create({ caller: 'json', rsid: 44, instance: null, queryType: 'validate-cspace-id' })
      await store.transactions.finish(created.id, { outcome: 'valid', instance: 'video' })
      t.match(await store.transactions.get(created.id), { instance: 'video', outcome: 'valid', httpStatus: null, message: null, steps: [] })
      await store.transactions.finish(created.id, { outcome: null, httpStatus: 503, message: 'RS unreachable', instance: null })
      t.match(
        await store.transactions.get(created.id),
        { instance: 'video', outcome: null, httpStatus: 503, message: 'RS unreachable' },
        'a null instance keeps the recorded one'
      )
    })

    t.test('dry runs and sync-run membership are remembered', async t => {
      const run = await store.syncRuns.create({ instance: 'art', options: {}, holder: 'h' })
      const created = await store.transactions.create({ caller: 'sync', rsid: 43, instance: 'art', queryType: 'push-resource', dryRun: true, syncRunId: run.id })
      t.match(await store.transactions.get(created.id), { dryRun: true, syncRunId: run.id, caller: 'sync' })
      const inRun = await store.transactions.list({ syncRunId: run.id, page: 0, size: 10 })
      t.same(inRun.items.map(i => i.id), [created.id])
    })

    t.test('an unknown id reads as undefined', async t => {
      t.equal(await store.transactions.get('00000000-0000-0000-0000-000000000000'), undefined)
    })

    t.test('RS writes are recorded before writing and marked after', async t => {
      const tx = await store.transactions.create({ caller: 'browser', rsid: 50, instance: 'art', queryType: 'retrieve-metadata' })
      await store.transactions.recordRsWrites(tx.id, [
        { field: 'title', fieldRef: 8, previous: 'Untitled', value: 'Sunset', writtenAt: null },
        { field: 'status', fieldRef: null, previous: '', value: 'spacelink: updated', writtenAt: null }
      ])
      let read = await store.transactions.get(tx.id)
      t.same(
        read?.rsWrites.map(w => [w.field, w.previous, w.value, w.writtenAt]),
        [['title', 'Untitled', 'Sunset', null], ['status', '', 'spacelink: updated', null]],
        'pending writes, in order'
      )

      const when = '2026-11-21T14:02:00.000Z'
      await store.transactions.markRsWritesDone(tx.id, [0], when)
      read = await store.transactions.get(tx.id)
      t.same(read?.rsWrites.map(w => w.writtenAt), [when, null], 'only the written position is marked')

      // The action appends a second round (the status written again after an early answer).
      await store.transactions.recordRsWrites(
        tx.id,
        [{ field: 'status', fieldRef: 9, previous: 'spacelink: updated', value: 'spacelink: done', writtenAt: null }],
        2
      )
      await store.transactions.markRsWritesDone(tx.id, [1, 2], '2026-11-21T14:03:00.000Z')
      read = await store.transactions.get(tx.id)
      t.same(
        read?.rsWrites.map(w => [w.field, w.fieldRef, w.value, w.writtenAt]),
        [['title', 8, 'Sunset', when], ['status', null, 'spacelink: updated', '2026-11-21T14:03:00.000Z'], ['status', 9, 'spacelink: done', '2026-11-21T14:03:00.000Z']],
        'the list grows in order; one mark covers several writes'
      )

      await store.transactions.markRsWritesDone(tx.id, [2], null)
      t.same((await store.transactions.get(tx.id))?.rsWrites.map(w => w.writtenAt), [when, '2026-11-21T14:03:00.000Z', null], 'a mark taken back')
      await store.transactions.markRsWritesDone(tx.id, [7], when)
      await store.transactions.markRsWritesDone(tx.id, [], when)
      t.equal((await store.transactions.get(tx.id))?.rsWrites.length, 3, 'marking a position never recorded changes nothing')
      await t.rejects(
        store.transactions.recordRsWrites(tx.id, [{ field: 'title', fieldRef: 8, previous: 'x', value: 'y', writtenAt: null }], 0),
        'a position is never written twice'
      )
    })

    t.test('listing filters, pages and sorts', async t => {
      const created: Array<{ id: string, rsid: number, outcome: string, queryType: string }> = []
      const plan = [
        { rsid: 101, instance: 'film', queryType: 'validate-cspace-id', outcome: 'valid' },
        { rsid: 102, instance: 'film', queryType: 'push-resource', outcome: 'pushed' },
        { rsid: 101, instance: 'film', queryType: 'push-resource', outcome: 'upstream-error' },
        { rsid: 103, instance: 'film', queryType: 'validate-cspace-id', outcome: 'not-found' },
        { rsid: 101, instance: 'film', queryType: 'retrieve-metadata', outcome: 'updated' }
      ]
      for (const [i, p] of plan.entries()) {
        const tx = await store.transactions.create({ caller: 'json', rsid: p.rsid, instance: p.instance, queryType: p.queryType })
        await store.transactions.finish(tx.id, { outcome: p.outcome, httpStatus: 200, message: null, durationMs: 1, steps: [] })
        await startedAt(store, tx.id, `2030-01-01T00:00:0${i}.000Z`)
        created.push({ id: tx.id, ...p })
      }
      const ids = (items: Array<{ id: string }>) => items.map(i => created.findIndex(c => c.id === i.id))

      const all = await store.transactions.list({ instance: 'film', page: 0, size: 10 })
      t.equal(all.total, 5)
      t.same(ids(all.items), [4, 3, 2, 1, 0], 'newest first by default')

      const page1 = await store.transactions.list({ instance: 'film', page: 1, size: 2, sort: { field: 'startedAt', dir: 'asc' } })
      t.equal(page1.total, 5, 'total counts every match, not the page')
      t.same(ids(page1.items), [2, 3], 'zero-based pages')
      const past = await store.transactions.list({ instance: 'film', page: 9, size: 2 })
      t.same(past, { items: [], total: 5 }, 'a page past the end is empty')

      t.same(ids((await store.transactions.list({ instance: 'film', rsid: 101, page: 0, size: 10 })).items), [4, 2, 0], 'by rsid')
      t.same(ids((await store.transactions.list({ instance: 'film', queryType: 'push-resource', page: 0, size: 10 })).items), [2, 1], 'by query type')
      t.same(ids((await store.transactions.list({ instance: 'film', outcome: 'not-found', page: 0, size: 10 })).items), [3], 'by outcome')
      t.same(ids((await store.transactions.list({ instance: 'film', rsid: 101, queryType: 'push-resource', page: 0, size: 10 })).items), [2], 'filters combine')
      t.same(await store.transactions.list({ instance: 'nowhere', page: 0, size: 10 }), { items: [], total: 0 })

      const byRsid = await store.transactions.list({ instance: 'film', page: 0, size: 10, sort: { field: 'rsid', dir: 'desc' } })
      t.same(byRsid.items.map(i => i.rsid), [103, 102, 101, 101, 101])
      t.same(ids(byRsid.items).slice(2), [4, 2, 0], 'ties fall back to newest first')
      const byOutcome = await store.transactions.list({ instance: 'film', page: 0, size: 10, sort: { field: 'outcome', dir: 'asc' } })
      t.same(byOutcome.items.map(i => i.outcome), ['not-found', 'pushed', 'updated', 'upstream-error', 'valid'])
      const byType = await store.transactions.list({ instance: 'film', page: 0, size: 10, sort: { field: 'queryType', dir: 'asc' } })
      t.same(byType.items.map(i => i.queryType), ['push-resource', 'push-resource', 'retrieve-metadata', 'validate-cspace-id', 'validate-cspace-id'])

      const latest = await store.transactions.latestForRsid(101, 2)
      t.same(ids(latest), [4, 2], 'latest for a resource, newest first, limited')
    })

    t.test('listed transactions carry their RS writes', async t => {
      const tx = await store.transactions.create({ caller: 'cli', rsid: 777, instance: 'art', queryType: 'retrieve-metadata' })
      await store.transactions.recordRsWrites(tx.id, [{ field: 'title', fieldRef: 8, previous: 'a', value: 'b', writtenAt: null }])
      const { items } = await store.transactions.list({ rsid: 777, page: 0, size: 5 })
      t.equal(items[0]?.rsWrites[0]?.value, 'b')
    })
  })
}
