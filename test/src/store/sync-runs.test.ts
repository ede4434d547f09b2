import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { engines, openTestStore } from '../../helpers/databases.js'

for (const engine of engines) {
  t.test(engine, async t => {
    const store = await openTestStore(t, engine, { fresh: true })

    t.test('a run is created running and finished with counts', async t => {
      const run = await store.syncRuns.create({ instance: 'art', options: { dryRun: true, limit: 5 }, holder: 'host-a:123' })
      t.match(
        run,
        {
          instance: 'art',
          status: 'running',
          finishedAt: null,
          options: { dryRun: true, limit: 5 },
          counts: {},
          total: null,
          holder: 'host-a:123',
          error: null
        }
      )
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

    t.test('a run finishes with its warnings: follow-up work that failed without failing it', async t => {
      const run = await store.syncRuns.create({ instance: 'warn', options: {}, holder: 'h' })
      await store.syncRuns.finish(run.id, { status: 'finished', counts: { pushed: 3 }, warnings: ['could not look for earlier failures to retry: RS refused'] })
      t.match(await store.syncRuns.get(run.id), { status: 'finished', warnings: ['could not look for earlier failures to retry: RS refused'] })
    })

    t.test('failures: attempts count up per kind, upstream errors get a retry 1, 2, 4 nights later, a success forgets', async t => {
      const night = (n: number): Date => new Date(Date.UTC(2030, 0, n, 2))
      const fail = async (rsid: number, outcome: string, n: number, failed = true): Promise<void> => {
        await store.failures.record({ instance: 'sculpture', rsid, accessionNumber: `2030.${rsid}`, outcome, message: `${outcome} on night ${n}`, failed, at: night(n) })
      }
      await fail(10, 'upstream-error', 1)
      await fail(10, 'upstream-error', 2)
      await fail(10, 'upstream-error', 4)
      await fail(11, 'not-found', 1)
      await fail(12, 'upstream-error', 1)
      await fail(12, 'pushed', 2, false)
      const list = await store.failures.list('sculpture')
      t.same(list.map(f => [f.rsid, f.outcome, f.attempts]), [[10, 'upstream-error', 3], [11, 'not-found', 1]])
      const ten = list[0]
      t.equal(ten?.firstFailedAt, night(1).toISOString())
      t.equal(
        ten?.retryAfter,
        new Date(night(4).getTime() + 4 * 86_400_000 - 3_600_000).toISOString(),
        'the third attempt waits four nights (less an hour of slack)'
      )
      t.equal(list[1]?.retryAfter, null, 'other failures wait for a change, not for a date')
      await fail(10, 'not-found', 5)
      t.equal((await store.failures.list('sculpture'))[0]?.attempts, 1, 'another kind of failure starts counting anew')
      t.same(await store.failures.list('nobody'), [])
    })

    t.test('unfinished RS write sets: a later set replaces an earlier one, and only its own finish clears it', async t => {
      await store.unfinishedWrites.begin(5, 'art', 'tx-a')
      await store.unfinishedWrites.begin(5, 'art', 'tx-b')
      await store.unfinishedWrites.begin(6, 'film', 'tx-c')
      await store.unfinishedWrites.finish(5, 'tx-a')
      t.same((await store.unfinishedWrites.list('art')).map(u => [u.rsid, u.transactionId]), [[5, 'tx-b']])
      await store.unfinishedWrites.finish(5, 'tx-b')
      t.same(await store.unfinishedWrites.list('art'), [])
      t.same((await store.unfinishedWrites.list('film')).map(u => u.rsid), [6])
    })
  })
}
