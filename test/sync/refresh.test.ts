/** --refresh: metadata of synced resources whose CS object changed since the last complete refresh. */
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { sampleObjects, type SampleObject } from '../../src/simulators/sample-museum.js'
import { runSync } from '../../src/sync/engine.js'
import { startHarness } from '../helpers/harness.js'
import { status, creator, title, itemOutcomes } from '../helpers/sync-expectations.js'

t.test('--refresh re-pulls the metadata of only the resources whose CS object changed since the last run', async t => {
  const h = await startHarness(t)
  const first = await runSync(h.app.spacelink, 'art')
  t.equal(first.status, 'finished')
  const nothing = await runSync(h.app.spacelink, 'art', { refresh: true })
  t.equal(nothing.total, 0, 'no CS change: nothing to refresh')

  const object = (csid: string): SampleObject => {
    const found = sampleObjects.find(o => o.csid === csid)
    if (found === undefined) throw new Error(`sample object ${csid} missing`)
    return found
  }
  await sleep(5)
  h.cs.addObject({ ...object('87674c8f-296d-4682-a795'), title: 'Red Hills and Bones (revised)', updatedAt: new Date().toISOString() })
  // Resource 3 found this object through its filename: no RS accession-number search can find it again.
  h.cs.addObject({ ...object('c0ffee00-0001-4000-8001'), title: 'Migrant Mother (revised)', updatedAt: new Date().toISOString() })
  const rsWrites = h.rs.state().writes.length
  const csWrites = h.cs.state().writes.length
  const plain = await runSync(h.app.spacelink, 'art')
  t.equal(plain.total, 0, 'without --refresh a changed CS object is not looked at')
  const refreshed = await runSync(h.app.spacelink, 'art', { refresh: true })
  t.equal(refreshed.status, 'finished')
  t.equal(refreshed.total, 2, 'only the resources on the changed objects')
  t.same(refreshed.counts, { updated: 2 })
  t.same([...(await itemOutcomes(h, refreshed.runId))], [[1, 'updated'], [3, 'updated']])
  t.equal(h.rsField(1, title), 'Red Hills and Bones (revised)', 'RS shows the new title')
  t.equal(h.rsField(3, title), 'Migrant Mother (revised)', 'also on the resource whose number is in its filename')
  t.match(h.rsField(1, status), /spacelink: updated: 1 field\(s\) \(Title\) from CollectionSpace object 2019\.12\.3 after it changed$/)
  const writes = h.rs.state().writes.slice(rsWrites)
  t.same([...new Set(writes.map(w => String(w.ref)))].sort(), ['1', '3'], 'RS writes touch resources 1 and 3 only')
  t.notOk(writes.some(w => String(w.field) === String(creator)), 'unchanged fields are not rewritten')
  t.equal(h.cs.state().writes.length, csWrites, 'nothing new in CS (no second media)')
  const again = await runSync(h.app.spacelink, 'art', { refresh: true })
  t.equal(again.total, 0, 'a refresh right after finds nothing')
})
