/** The nightly run over the sample museum: every resource in its expected outcome, CS and RS exactly as expected. */
import t from 'tap'
import { runSync } from '../../src/sync/engine.js'
import { startHarness } from '../helpers/harness.js'
import {
  synced,
  csUrl,
  status,
  creator,
  title,
  expectedFailures,
  artCandidates,
  artPushed,
  itemOutcomes,
  rsidOfMedia,
  assertCsConsistent
} from '../helpers/sync-expectations.js'

t.test('a run over the sample museum: every resource in its expected outcome, CS and RS exactly as expected', async t => {
  const logLines: string[] = []
  const h = await startHarness(t, { logStream: { write: line => { logLines.push(line) } }, configure: c => { c.server.logLevel = 'info' } })
  const summary = await runSync(h.app.spacelink, 'art')
  t.equal(summary.status, 'finished')
  const finished = logLines.map(line => JSON.parse(line) as Record<string, unknown>).filter(l => l.msg !== undefined && l.outcome === 'pushed')
  t.equal(finished.length, artPushed.length, 'one log line per pushed item')
  t.ok(finished.every(l => l.queryType === 'push-resource' && l.caller === 'sync'), 'nightly pushes are logged as push-resource by the sync, so one filter finds every push')
  t.equal(summary.total, artCandidates.length, 'every unsynced photo is a candidate, nothing else')
  t.same(summary.counts, { pushed: artPushed.length, ambiguous: 1, 'not-found': 1, 'no-accession-number': 1, 'no-derivative': 1 })
  t.same(
    summary.failures.map(f => [f.rsid, f.outcome]).sort((a, b) => Number(a[0]) - Number(b[0])),
    Object.entries(expectedFailures).map(([rsid, o]) => [Number(rsid), o])
  )
  const calls = h.rs.state().calls
  t.equal(calls.get_resource_data ?? 0, 0, 'the resource row is not read again: the candidate search already gave its type')
  t.equal(calls.get_resource_field_data, artCandidates.length, 'one field read per item')

  const outcomes = await itemOutcomes(h, summary.runId)
  t.same([...outcomes.keys()].sort((a, b) => a - b), artCandidates, 'one recorded item per candidate')
  for (const rsid of artCandidates) t.equal(outcomes.get(rsid), expectedFailures[rsid] ?? 'pushed', `resource ${rsid}`)
  t.notOk(outcomes.has(12), 'the already-synced resource is not touched')
  t.notOk(outcomes.has(13), 'the document (no instance for its type) is not touched')

  const objectOf = assertCsConsistent(t, h, 'art', artPushed)
  t.equal(objectOf.get(3), 'c0ffee00-0001-4000-8001', 'resource 3 (number only in the filename) went to the live object, not the deleted duplicate')
  t.equal(objectOf.get(5), 'b0000001-0001-4000-8001', '2024.1.2 is not 2024.1.2.5')
  t.equal(objectOf.get(1), '87674c8f-296d-4682-a795')
  const media = h.cs.state('art').media
  const noPublic = media.filter(m => m.fields['media_bampfa/websiteDisplayLevel'] === 'No public display').map(m => rsidOfMedia(m.identificationNumber))
  t.same(noPublic, [9], 'only the _6.jpg file gets the no-public-display rule')
  t.equal(
    media.find(m => rsidOfMedia(m.identificationNumber) === 11)?.identificationNumber,
    'RS-11-thm',
    'a resource with only a thumbnail pushes the thumbnail'
  )
  t.equal(h.cs.state('film').media.length, 0, 'the film tenant is another instance: untouched')

  for (const rsid of artPushed) {
    t.equal(h.rsField(rsid, synced), 'true', `RS ${rsid}: synced`)
    t.match(h.rsField(rsid, status), /^\d{4}-\d\d-\d\d \d\d:\d\d spacelink: pushed: '(scr|pre|thm)' to CollectionSpace object .+ \(media [0-9a-f-]+\)$/, `RS ${rsid}: status sentence`)
  }
  for (const [rsid, outcome] of Object.entries(expectedFailures)) {
    t.equal(h.rsField(Number(rsid), synced), 'false', `RS ${rsid}: synced=false`)
    t.match(h.rsField(Number(rsid), status), new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d spacelink: ${outcome}: `), `RS ${rsid}: says ${outcome}`)
  }
  t.match(h.rsField(1, csUrl), /\/cspace\/art\/record\/collectionobject\/87674c8f-296d-4682-a795$/)
  t.equal(h.rsField(2, creator), "Georgia O'Keeffe; Alfred Stieglitz", 'both makers, in order, apostrophe intact')
  t.equal(h.rsField(2, title), 'Portrait of a Collaboration')
  t.equal(h.rsField(12, status), '', 'the already-synced resource got no status sentence')
  t.equal(h.rsField(13, synced), '', 'the document got no synced flag')

  const csWrites = h.cs.state().writes.length
  const rsWrites = h.rs.state().writes.length
  const again = await runSync(h.app.spacelink, 'art')
  t.equal(again.status, 'finished')
  t.equal(again.total, 0, 'a second run finds nothing new')
  t.same(again.counts, {})
  t.equal(h.cs.state().writes.length, csWrites, 'and creates nothing in CS')
  t.equal(h.rs.state().writes.length, rsWrites, 'and writes nothing in RS')
})

t.test('candidates over many RS search pages: none is skipped while earlier ones drop out of the search', async t => {
  // Each synced item leaves the `!empty<synced>` search; offset paging during the run would skip rows.
  const h = await startHarness(t, { configure: c => { c.sync.pageSize = 4 } })
  const summary = await runSync(h.app.spacelink, 'art')
  t.equal(summary.total, artCandidates.length, 'every candidate, across 11 pages')
  t.equal(summary.counts.pushed, artPushed.length)
  t.same([...(await itemOutcomes(h, summary.runId)).keys()].sort((a, b) => a - b), artCandidates)
  const again = await runSync(h.app.spacelink, 'art')
  t.equal(again.total, 0, 'nothing was left behind for the next night')
})
