import t from 'tap'
import type { Store } from '../../../src/store/index.js'
import { engines, openTestStore } from '../../helpers/databases.js'

const dayMs = 24 * 60 * 60 * 1000

async function pushTransaction (store: Store, rsid: number, ageDays: number, finished = true) {
  const tx = await store.transactions.create({ caller: 'sync', rsid, instance: 'art', queryType: 'push-resource' })
  await store.transactions.recordRsWrites(tx.id, [{ field: 'synced', fieldRef: 5, previous: '', value: 'yes', writtenAt: '2026-01-01T00:00:00.000Z' }])
  if (finished) {
    await store.transactions.finish(tx.id, {
      outcome: 'pushed',
      httpStatus: 201,
      message: 'pushed scr',
      durationMs: 80,
      steps: [{ system: 'collectionspace', operation: 'POST /blobs', method: 'POST', status: 201, ms: 50 }],
      raw: '<document/>',
      mapped: { title: 'Sunset' }
    })
  }
  await store.db.updateTable('transactions').set({ started_at: new Date(Date.now() - ageDays * dayMs).toISOString() }).where('id', '=', tx.id).execute()
  const link = await store.links.start({ rsid, instance: 'art', size: 'scr', objectCsid: 'obj', objectNumber: '1', filename: 'a.jpg', contentType: 'image/jpeg', transactionId: tx.id })
  await store.links.update(link.id, { step: 'done', mediaCsid: `media-${rsid}`, sha256: 'ff'.repeat(32) })
  return { tx, link }
}

for (const engine of engines) {
  t.test(engine, async t => {
    const store = await openTestStore(t, engine, { fresh: true })
    const old = await pushTransaction(store, 1, 100)
    const recent = await pushTransaction(store, 2, 5)
    const unfinished = await pushTransaction(store, 3, 100, false)

    t.test('old transactions lose their details; what they did and their links stay', async t => {
      t.same(await store.prune(30), { transactions: 1 })
      const pruned = await store.transactions.get(old.tx.id)
      t.match(pruned, { raw: null, mapped: null, steps: [], outcome: 'pushed', httpStatus: 201, message: 'pushed scr', durationMs: 80 })
      t.type(pruned?.detailsPrunedAt, 'string')
      t.same(pruned?.rsWrites.map(w => [w.field, w.value]), [['synced', 'yes']], 'RS writes are kept (a revert needs them)')
      t.match(
        await store.links.get(old.link.id),
        { step: 'done', mediaCsid: 'media-1', sha256: 'ff'.repeat(32), transactionId: old.tx.id },
        'links are kept forever'
      )

      t.match(await store.transactions.get(recent.tx.id), { raw: '<document/>', mapped: { title: 'Sunset' }, detailsPrunedAt: null }, 'recent ones untouched')
      t.match(await store.transactions.get(unfinished.tx.id), { detailsPrunedAt: null }, 'unfinished ones untouched')
    })

    t.test('pruning again finds nothing new; a shorter age reaches further', async t => {
      t.same(await store.prune(30), { transactions: 0 })
      t.same(await store.prune(1), { transactions: 1 })
      t.equal((await store.transactions.get(recent.tx.id))?.raw, null)
    })

    t.test('a nonsensical age is refused', async t => {
      await t.rejects(store.prune(-1), RangeError)
      await t.rejects(store.prune(Number.NaN), RangeError)
    })
  })
}
