/** Runs under faults: random 5xx, hangs, lost answers, RS down at the start. */
import t from 'tap'
import type { FaultRequest } from '../../src/simulators/faults.js'
import { runSync } from '../../src/sync/engine.js'
import { startHarness } from '../helpers/harness.js'
import {
  synced,
  status,
  expectedFailures,
  artCandidates,
  artPushed,
  knownOutcomes,
  itemOutcomes,
  rsidOfMedia,
  assertCsConsistent,
  prng
} from '../helpers/sync-expectations.js'

t.test('resilience: 10 % CS 5xx, hangs, answers lost after writes → every item known, no duplicate; a retry run completes', async t => {
  const h = await startHarness(t, { configure: c => { if (c.instances.art !== undefined) c.instances.art.cspace.timeoutMs = 300 } })
  const random = prng(Number(process.env.SYNC_FAULT_SEED ?? 7))
  const faults = [
    h.cs.faults.add({ match: { operation: 'POST /media' }, kind: 'hang', times: 2, ms: 1000 }),
    h.cs.faults.add({ match: { operation: 'GET /collectionobjects' }, kind: 'hang', times: 1, ms: 1000 }),
    h.cs.faults.add({ match: { operation: 'POST /blobs' }, kind: 'fail-after-write', times: 2 }),
    h.cs.faults.add({ match: { operation: 'POST /relations' }, kind: 'fail-after-write', times: 2 }),
    h.cs.faults.add({ match: (_req: FaultRequest) => random() < 0.1, kind: 'status', status: 503, body: 'Service Unavailable' })
  ]
  const summary = await runSync(h.app.spacelink, 'art')
  t.equal(summary.status, 'finished', 'the run completes')
  for (const f of faults) t.ok(f.hits > 0, `fault ${f.spec.kind} on ${typeof f.spec.match === 'function' ? 'anything' : f.spec.match.operation ?? ''} fired`)
  t.equal(summary.total, artCandidates.length)
  const outcomes = await itemOutcomes(h, summary.runId)
  t.same([...outcomes.keys()].sort((a, b) => a - b), artCandidates, 'every resource has an item')
  for (const [rsid, outcome] of outcomes) {
    t.ok(knownOutcomes.has(outcome), `resource ${rsid}: known outcome ${outcome}`)
    if (expectedFailures[rsid] !== undefined && outcome !== 'upstream-error') t.equal(outcome, expectedFailures[rsid])
  }
  const pushedNow = [...outcomes].filter(([, o]) => o === 'pushed').map(([rsid]) => rsid)
  t.ok(pushedNow.length >= artPushed.length - 8, `most resources were pushed despite the faults (${pushedNow.length})`)
  const media = h.cs.state('art').media.map(m => rsidOfMedia(m.identificationNumber))
  t.equal(new Set(media).size, media.length, 'never two media for one resource')
  for (const rsid of pushedNow) t.equal(media.filter(m => m === rsid).length, 1, `resource ${rsid}: exactly one media`)
  for (const [rsid, outcome] of outcomes) {
    if (outcome === 'upstream-error') {
      t.equal(h.rsField(rsid, synced), 'false', `RS ${rsid}: failed item is synced=false`)
      t.match(h.rsField(rsid, status), /spacelink: upstream-error: /)
    }
  }

  h.cs.faults.clear()
  const retry = await runSync(h.app.spacelink, 'art', { retryFailed: true })
  t.equal(retry.status, 'finished')
  t.equal(retry.counts['upstream-error'], undefined, 'with CS healthy again, nothing fails upstream')
  assertCsConsistent(t, h, 'art', artPushed)
  for (const rsid of artPushed) t.equal(h.rsField(rsid, synced), 'true', `RS ${rsid}: synced in the end`)
})

t.test('RS down at the start: the run fails, says why, writes nothing, and leaves the lock free', async t => {
  const h = await startHarness(t)
  const down = h.rs.faults.add({ match: () => true, kind: 'status', status: 503, body: 'Service Unavailable' })
  const summary = await runSync(h.app.spacelink, 'art')
  t.equal(summary.status, 'failed')
  t.equal(summary.total, 0)
  t.match(summary.error, /ResourceSpace/i)
  t.ok(down.hits > 0)
  const run = await h.app.spacelink.store.syncRuns.get(summary.runId)
  t.equal(run?.status, 'failed', 'the run is recorded as failed')
  t.match(run?.error, /ResourceSpace/i)
  t.same(h.rs.state().writes, [], 'nothing written in RS')
  t.same(h.cs.state().writes, [], 'nothing written in CS')
  down.remove()
  const next = await runSync(h.app.spacelink, 'art', { limit: 1 })
  t.equal(next.status, 'finished', 'the lock was released: the next run goes ahead')
})

t.test('RS refuses an item\'s synced flag until the item is retried: the run reports it pushed (by this run), once', async t => {
  const h = await startHarness(t)
  const params = (req: FaultRequest): URLSearchParams => new URLSearchParams(req.url.split('?')[1])
  // As often as the client tries one write: the first attempt fails after CS has the media.
  const refused = h.rs.faults.add({
    match: req => req.operation === 'update_field' && params(req).get('resource') === '1' && params(req).get('field') === String(synced),
    kind: 'status',
    status: 503,
    times: h.config.sync.retries + 1
  })
  const summary = await runSync(h.app.spacelink, 'art')
  t.equal(summary.status, 'finished')
  t.equal(refused.hits, h.config.sync.retries + 1, 'the first attempt\'s synced write was refused every time')
  const outcomes = await itemOutcomes(h, summary.runId)
  t.equal(outcomes.get(1), 'pushed', 'resource 1: pushed, not "already pushed": this run pushed it')
  t.equal(summary.counts['already-pushed'] ?? 0, 0, 'nothing counted as pushed before')
  t.equal(h.rsField(1, synced), 'true', 'RS says synced after the retry')
  assertCsConsistent(t, h, 'art', artPushed)
})
