/**
 * "Needs attention" on both engines: a resource is listed when its latest standing action (validate,
 * retrieve, push, group push; not a dry run, a status look-up or a revert) failed, and a later success
 * clears it. Also what the status page's filters and diff rely on: date ranges, the accession number
 * and the RS field titles kept with each transaction.
 */
import t from 'tap'
import type { Store } from '../../../src/store/index.js'
import { engines, openTestStore } from '../../helpers/databases.js'

interface Action { rsid: number, queryType?: string, outcome: string | null, at: string, dryRun?: boolean, accessionNumber?: string, instance?: string }

async function action (store: Store, r: Action): Promise<string> {
  const tx = await store.transactions.create({
    caller: 'sync',
    rsid: r.rsid,
    instance: r.instance ?? 'art',
    queryType: r.queryType ?? 'push-resource',
    dryRun: r.dryRun === true
  })
  await store.transactions.finish(tx.id, {
    outcome: r.outcome,
    message: r.outcome === null ? 'the resource is gone from RS' : `${r.outcome}: …`,
    ...(r.accessionNumber === undefined ? {} : { accessionNumber: r.accessionNumber })
  })
  await store.db.updateTable('transactions').set({ started_at: r.at }).where('id', '=', tx.id).execute()
  return tx.id
}

for (const engine of engines) {
  t.test(engine, async t => {
    const store = await openTestStore(t, engine, { fresh: true })

    t.test('the latest standing action decides; later successes clear, dry runs, status and revert do not count', async t => {
      await action(store, { rsid: 1, outcome: 'not-found', at: '2026-11-01T01:00:00.000Z', accessionNumber: '1999.1' })
      await action(store, { rsid: 1, outcome: 'pushed', at: '2026-11-02T01:00:00.000Z', accessionNumber: '2019.1' })
      await action(store, { rsid: 2, outcome: 'pushed', at: '2026-11-01T01:00:00.000Z' })
      const ambiguous = await action(store, { rsid: 2, queryType: 'validate-cspace-id', outcome: 'ambiguous', at: '2026-11-02T01:00:00.000Z', accessionNumber: '2001.5.1' })
      await action(store, { rsid: 2, queryType: 'status', outcome: 'status', at: '2026-11-03T01:00:00.000Z' })
      await action(store, { rsid: 2, queryType: 'retrieve-metadata', outcome: 'updated', at: '2026-11-03T02:00:00.000Z', dryRun: true })
      await action(store, { rsid: 3, queryType: 'revert', outcome: 'conflict', at: '2026-11-02T01:00:00.000Z' })
      const gone = await action(store, { rsid: 4, outcome: null, at: '2026-11-04T01:00:00.000Z', instance: 'film' })
      await action(store, { rsid: 5, outcome: 'upstream-error', at: '2026-11-01T01:00:00.000Z', accessionNumber: '2018.3.5' })
      const running = await store.transactions.create({ caller: 'browser', rsid: 5, instance: 'art', queryType: 'push-resource' })
      t.ok(running.finishedAt === null, 'an action still running does not hide the failure before it')

      const all = await store.attention.list({ limit: 10 })
      t.same(all.items.map(i => [i.rsid, i.outcome]), [[4, null], [2, 'ambiguous'], [5, 'upstream-error']], 'newest first: 4, 2, 5; never 1 or 3')
      t.same(all.byOutcome, { error: 1, ambiguous: 1, 'upstream-error': 1 }, 'grouped by reason (no outcome: error)')
      t.equal(all.total, 3)
      t.match(all.items[1], { transactionId: ambiguous, accessionNumber: '2001.5.1', queryType: 'validate-cspace-id', caller: 'sync', instance: 'art' })
      t.match(all.items[0], { transactionId: gone, message: 'the resource is gone from RS', accessionNumber: null })

      const film = await store.attention.list({ limit: 10, instance: 'film' })
      t.same(film.items.map(i => i.rsid), [4], 'per instance')
      const one = await store.attention.list({ limit: 1 })
      t.equal(one.items.length, 1, 'the limit caps the list')
      t.equal(one.total, 3, 'not the counts')
    })

    t.test('the recent actions filter by start time; an accession number and field titles are kept', async t => {
      const inRange = await action(store, { rsid: 9, queryType: 'retrieve-metadata', outcome: 'updated', at: '2026-10-10T12:00:00.000Z', accessionNumber: '2020.1.1' })
      await action(store, { rsid: 9, queryType: 'retrieve-metadata', outcome: 'updated', at: '2026-10-11T00:00:00.000Z' })
      const page = await store.transactions.list({ page: 0, size: 10, rsid: 9, since: '2026-10-10T00:00:00.000Z', until: '2026-10-11T00:00:00.000Z' })
      t.same(page.items.map(i => i.id), [inRange], 'since is inclusive, until is not')
      t.equal(page.items[0]?.accessionNumber, '2020.1.1')

      await store.transactions.recordRsWrites(inRange, [
        { field: 'creator', fieldRef: 92, title: 'Creator', previous: '', value: 'Dorothea Lange', writtenAt: null },
        { field: '91', fieldRef: 91, previous: 'old', value: 'new', writtenAt: null }
      ])
      const read = await store.transactions.get(inRange)
      t.same(read?.rsWrites.map(w => [w.field, w.title]), [['creator', 'Creator'], ['91', null]], 'a write without a known title reads as null')
    })
  })
}
