import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { engines, openTestStore } from '../../helpers/databases.js'

for (const engine of engines) {
  t.test(engine, async t => {
    const store = await openTestStore(t, engine, { fresh: true })

    t.test('a run is created running and finished with counts', async t => {
      const run = await store.syncRuns.create({ instance: 'art', options: { dryRun: true, limit: 5 }, holder: 'host-a:123' })
      t.match(run, { instance: 'art', status: 'running', finishedAt: null, options: { dryRun: true, limit: 5 }, counts: {}, total: null, holder: 'host-a:123', error: null })
      await store.syncRuns.setTotal(run.id, 12)
      await store.syncRuns.updateCounts(run.id, { pushed: 3 })
      t.match(await store.syncRuns.get(run.id), { total: 12, counts: { pushed: 3 }, status: 'running' }, 'progress is visible while running')
      await store.syncRuns.finish(run.id, { status: 'failed', counts: { pushed: 10, 'upstream-error': 2 }, error: 'CollectionSpace unreachable' })
      const read = await store.syncRuns.get(run.id)
      t.match(read, { status: 'failed', counts: { pushed: 10, 'upstream-error': 2 }, error: 'CollectionSpace unreachable' })
      t.type(read?.finishedAt, 'string')
      t.equal(await store.syncRuns.get('no-such-run'), undefined)
    })

    t.test('items are one per resource per run; a later result replaces an earlier one', async t => {
      const run = await store.syncRuns.create({ instance: 'film', options: {}, holder: 'h' })
      const tx = await store.transactions.create({ caller: 'sync', rsid: 2, instance: 'film', queryType: 'push-resource', syncRunId: run.id })
      await store.syncRuns.addItem(run.id, { rsid: 2, accessionNumber: '1990.1', outcome: 'upstream-error', message: 'timeout', transactionId: null })
      await store.syncRuns.addItem(run.id, { rsid: 1, accessionNumber: null, outcome: 'no-accession-number', message: 'empty field', transactionId: null })
      await store.syncRuns.addItem(run.id, { rsid: 2, accessionNumber: '1990.1', outcome: 'pushed', message: null, transactionId: tx.id })
      await store.syncRuns.addItem(run.id, { rsid: 3, accessionNumber: '1990.3', outcome: 'pushed', message: null, transactionId: null })

      const all = await store.syncRuns.items(run.id, { page: 0, size: 10 })
      t.equal(all.total, 3)
      t.same(all.items.map(i => [i.rsid, i.outcome]), [[1, 'no-accession-number'], [2, 'pushed'], [3, 'pushed']])
      t.match(all.items[1], { runId: run.id, accessionNumber: '1990.1', transactionId: tx.id, message: null })
      const pushed = await store.syncRuns.items(run.id, { page: 1, size: 1, outcome: 'pushed' })
      t.same({ total: pushed.total, rsids: pushed.items.map(i => i.rsid) }, { total: 2, rsids: [3] }, 'filter by outcome, paged')
    })

    t.test('runs list newest first, by instance; lastFinished ignores failed and running runs', async t => {
      const ids = []
      for (let i = 0; i < 3; i++) {
        const run = await store.syncRuns.create({ instance: 'photo', options: {}, holder: 'h' })
        await store.db.updateTable('sync_runs').set({ started_at: `2030-01-0${i + 1}T02:00:00.000Z` }).where('id', '=', run.id).execute()
        ids.push(run.id)
      }
      t.equal(await store.syncRuns.lastFinished('photo'), undefined)
      await store.syncRuns.finish(ids[0]!, { status: 'finished', counts: {} })
      await sleep(5)
      await store.syncRuns.finish(ids[1]!, { status: 'failed', counts: {}, error: 'boom' })
      t.equal((await store.syncRuns.lastFinished('photo'))?.id, ids[0])

      const listed = await store.syncRuns.list({ instance: 'photo', page: 0, size: 2 })
      t.equal(listed.total, 3)
      t.same(listed.items.map(r => r.id), [ids[2], ids[1]])
      t.same((await store.syncRuns.list({ instance: 'photo', status: 'running', page: 0, size: 10 })).items.map(r => r.id), [ids[2]])
      t.ok((await store.syncRuns.list({ page: 0, size: 100 })).total >= 5, 'all instances without a filter')
    })

    t.test('runs of a dead holder are marked interrupted by the one that took over', async t => {
      const dead = await store.syncRuns.create({ instance: 'video', options: {}, holder: 'dead' })
      const mine = await store.syncRuns.create({ instance: 'video', options: {}, holder: 'alive' })
      const elsewhere = await store.syncRuns.create({ instance: 'art2', options: {}, holder: 'dead' })
      t.equal(await store.syncRuns.interruptStale('video', 'alive'), 1)
      t.match(await store.syncRuns.get(dead.id), { status: 'interrupted', error: /stopped/ })
      t.equal((await store.syncRuns.get(mine.id))?.status, 'running')
      t.equal((await store.syncRuns.get(elsewhere.id))?.status, 'running', 'other instances untouched')
    })

    t.test('failed items: the newest result per resource decides, with a count of failed runs', async t => {
      const at = async (runId: string, rsid: number, outcome: string, iso: string) => {
        await store.syncRuns.addItem(runId, { rsid, accessionNumber: null, outcome, message: `${outcome} at ${iso}`, transactionId: null })
        await store.db.updateTable('sync_run_items').set({ updated_at: iso }).where('run_id', '=', runId).where('rsid', '=', rsid).execute()
      }
      const night1 = await store.syncRuns.create({ instance: 'sculpture', options: {}, holder: 'h' })
      const night2 = await store.syncRuns.create({ instance: 'sculpture', options: {}, holder: 'h' })
      const other = await store.syncRuns.create({ instance: 'other', options: {}, holder: 'h' })
      await at(night1.id, 10, 'upstream-error', '2030-01-01T02:00:00.000Z')
      await at(night2.id, 10, 'not-found', '2030-01-02T02:00:00.000Z')
      await at(night1.id, 11, 'ambiguous', '2030-01-01T02:00:00.000Z')
      await at(night2.id, 11, 'pushed', '2030-01-02T02:00:00.000Z')
      await at(night2.id, 12, 'no-derivative', '2030-01-02T02:00:00.000Z')
      await at(other.id, 13, 'not-found', '2030-01-02T02:00:00.000Z')

      const failed = await store.syncRuns.itemsFailedFor('sculpture')
      t.same(failed.map(f => [f.rsid, f.outcome, f.failures, f.runId]), [[10, 'not-found', 2, night2.id], [12, 'no-derivative', 1, night2.id]])
      t.equal(failed[0]?.message, 'not-found at 2030-01-02T02:00:00.000Z')
      t.same(await store.syncRuns.itemsFailedFor('nobody'), [])
    })
  })
}
