import t from 'tap'
import { startHarness } from '../helpers/harness.js'
import { runSync } from '../../src/sync/engine.js'
t.test('x', async t => {
  const h = await startHarness(t)
  const s = await runSync(h.app.spacelink, 'art')
  console.log(JSON.stringify({ ...s, failures: s.failures }, null, 1))
  const cs = h.cs.state('art')
  console.log(cs.media.length, cs.relations.length, cs.blobs.length, cs.calls)
  console.log(h.rs.state().calls)
  for (const r of [2,3,4,6,7,8,9,12,13]) console.log(r, h.rsField(r, 89), '|', h.rsField(r, 91), '|', h.rsField(r, 92))
  console.log(cs.media.filter(m => m.fields['media_bampfa/websiteDisplayLevel']))
  const s2 = await runSync(h.app.spacelink, 'art')
  console.log(s2.total, s2.counts)
})
