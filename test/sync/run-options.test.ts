/** The run's options and its lock: --dry-run, --limit, one run per instance (also over HTTP). */
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { SpacelinkError } from '../../src/errors.js'
import { runSync } from '../../src/sync/engine.js'
import { startHarness } from '../helpers/harness.js'
import { synced, status, artCandidates, artPushed, admin, itemOutcomes, assertCsConsistent } from '../helpers/sync-expectations.js'

t.test('--dry-run reads everything and writes nothing in RS or CS; the real run afterwards does everything', async t => {
  const h = await startHarness(t)
  const rsWrites = h.rs.state().writes.length
  const dry = await runSync(h.app.spacelink, 'art', { dryRun: true })
  t.equal(dry.status, 'finished')
  t.equal(dry.total, artCandidates.length)
  t.equal(dry.counts.valid, artPushed.length, 'reports as valid every resource a real run would push')
  t.notOk(dry.counts.pushed, 'a dry run counts nothing as pushed')
  t.equal(dry.counts.ambiguous, 1)
  t.equal(h.rs.state().writes.length, rsWrites, 'no RS write at all')
  t.same(h.cs.state().writes, [], 'no CS write at all')
  t.equal(h.rsField(1, synced), '', 'synced flag untouched')
  t.equal(h.rsField(4, status), '', 'status field untouched')
  const real = await runSync(h.app.spacelink, 'art')
  t.equal(real.total, artCandidates.length, 'a dry run does not use up the candidates')
  t.equal(real.counts.pushed, artPushed.length)
})

t.test('--limit takes that many resources; the next run carries on with the rest', async t => {
  const h = await startHarness(t)
  const first = await runSync(h.app.spacelink, 'art', { limit: 5 })
  t.equal(first.total, 5)
  const firstItems = await itemOutcomes(h, first.runId)
  t.equal(firstItems.size, 5, 'five items recorded')
  const pushedFirst = [...firstItems].filter(([, o]) => o === 'pushed').map(([rsid]) => rsid)
  t.equal(h.cs.state('art').media.length, pushedFirst.length, 'only those five were pushed')
  const rest = await runSync(h.app.spacelink, 'art')
  t.equal(rest.total, artCandidates.length - 5)
  const restItems = await itemOutcomes(h, rest.runId)
  t.same([...firstItems.keys(), ...restItems.keys()].sort((a, b) => a - b), artCandidates, 'together: every candidate exactly once')
  assertCsConsistent(t, h, 'art', artPushed)
})

t.test('one run per instance: a second run is refused (409) directly and over HTTP; the run is readable over HTTP', async t => {
  const h = await startHarness(t)
  // Slow CS blob uploads keep the first run going long enough to collide with.
  h.cs.faults.add({ match: { operation: 'POST /blobs' }, kind: 'latency', ms: 40 })
  const started = await h.app.inject({ method: 'POST', url: '/api/v1/sync-runs', headers: admin(h), payload: { instance: 'art' } })
  t.equal(started.statusCode, 202)
  const location = started.headers.location
  t.match(location, /^http:\/\/spacelink\.test\/api\/v1\/sync-runs\/[0-9a-f-]+$/)
  t.equal(started.json().status, 'running')

  const refused = await h.app.inject({ method: 'POST', url: '/api/v1/sync-runs', headers: admin(h), payload: { instance: 'art' } })
  t.equal(refused.statusCode, 409)
  t.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(refused.json().code, 'SYNC_RUNNING')
  t.match(refused.json().detail, /art/)
  const direct = await runSync(h.app.spacelink, 'art').then(() => undefined, (err: unknown) => err)
  t.ok(direct instanceof SpacelinkError, 'a direct second run is refused too')
  t.match(direct, { code: 'SYNC_RUNNING', status: 409 })

  const film = await runSync(h.app.spacelink, 'film')
  t.equal(film.status, 'finished', 'another instance may run at the same time')
  t.equal(film.counts.pushed, 4)
  assertCsConsistent(t, h, 'film', [14, 15, 16, 17])

  const path = new URL(String(location)).pathname
  let run: {
    status: string,
    counts: Record<string,
    number>,
    total: number | null,
    items: { _embedded?: { items?: Array<{ rsid: number, outcome: string }> }, page: { totalElements: number } }
  } | undefined
  // No wall-clock bound: a loaded machine may take long; tap's file timeout catches a run that never ends.
  for (;;) {
    const res = await h.app.inject({ method: 'GET', url: `${path}?size=100`, headers: admin(h) })
    t.equal(res.statusCode, 200)
    run = res.json()
    if (run?.status !== 'running') break
    await sleep(50)
  }
  t.equal(run?.status, 'finished')
  t.same(run?.counts, { pushed: artPushed.length, ambiguous: 1, 'not-found': 1, 'no-accession-number': 1, 'no-derivative': 1 })
  t.equal(run?.total, artCandidates.length)
  t.equal(run?.items.page.totalElements, artCandidates.length, 'every item is listed')
  const items = run?.items._embedded?.items ?? []
  t.equal(items.find(i => i.rsid === 4)?.outcome, 'ambiguous')
  t.equal(items.find(i => i.rsid === 9)?.outcome, 'pushed')

  const after = await h.app.inject({ method: 'POST', url: '/api/v1/sync-runs', headers: admin(h), payload: { instance: 'art' } })
  t.equal(after.statusCode, 202, 'once the run is over a new one may start')
  const missing = await h.app.inject({ method: 'GET', url: '/api/v1/sync-runs/00000000-0000-0000-0000-000000000000', headers: admin(h) })
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().code, 'SYNC_RUN_NOT_FOUND')
  // Let the last run end before the harness closes the app under it.
  while ((await h.app.spacelink.store.locks.runLock('art')) !== undefined) await sleep(20)
})
