/**
 * Nightly runs that converge, as a least-privilege RS user (the simulator's default: RS's Administrators
 * group, no `a`): a second night with earlier failures changes nothing and does not fail; transient 5xx
 * are retried on later nights until every resource is complete, with no orphan; an RS write that failed
 * anywhere in a write set is finished by the next night; follow-up work that fails is a warning, not a
 * failed run. Nights are moved by an injected clock, never waited for.
 */
import t from 'tap'
import { runSync } from '../../src/sync/engine.js'
import { rsGroups } from '../../src/simulators/resourcespace/index.js'
import { startHarness, type HarnessOptions } from '../helpers/harness.js'
import { artPushed, assertCsConsistent, expectedFailures, prng, status, synced, title } from '../helpers/sync-expectations.js'

const day = 24 * 60 * 60 * 1000

/** A harness whose clock the test moves a night at a time. */
async function nights (t: Parameters<typeof startHarness>[0], opts: HarnessOptions = {}): Promise<{
  h: Awaited<ReturnType<typeof startHarness>>,
  nextNight: () => void
}> {
  let now = Date.parse('2030-03-01T02:00:00Z')
  const h = await startHarness(t, { ...opts, services: { now: () => new Date(now) } })
  return { h, nextNight: () => { now += day } }
}

t.test('two nights in a row as a least-privilege RS user: the second changes nothing and finishes', async t => {
  const { h, nextNight } = await nights(t)
  const first = await runSync(h.app.spacelink, 'art')
  t.equal(first.status, 'finished')
  t.same(first.warnings, [])
  t.equal(first.counts.ambiguous, 1, 'there are failures for the second night to look at')
  t.notOk('get_resource_type_fields' in h.rs.state().calls, 'no admin-only RS function was called')
  const rsWrites = h.rs.state().writes.length
  const csWrites = h.cs.state().writes.length
  nextNight()
  const second = await runSync(h.app.spacelink, 'art')
  t.equal(second.status, 'finished', 'earlier failures do not stop the run')
  t.same(second.warnings, [])
  t.equal(second.total, 0, 'nothing changed since: nothing to retry')
  t.equal(h.rs.state().writes.length, rsWrites, 'no RS write')
  t.equal(h.cs.state().writes.length, csWrites, 'no CS write')
  t.notOk('get_resource_type_fields' in h.rs.state().calls)
})

t.test('a Super Admin RS user works the same', async t => {
  const { h } = await nights(t, { rsPermissions: rsGroups.superAdmin })
  const run = await runSync(h.app.spacelink, 'art')
  t.equal(run.status, 'finished')
  t.equal(run.counts.pushed, artPushed.length)
})

t.test('follow-up work that fails is reported as a warning; the run still finishes its items', async t => {
  const { h, nextNight } = await nights(t)
  await runSync(h.app.spacelink, 'art')
  nextNight()
  // RS refuses the search for earlier failures (`!list…`) with its PHP error object.
  h.rs.faults.add({ match: req => req.operation === 'do_search', kind: 'status', status: 200, contentType: 'application/json', body: '{"error":true,"error_note":"Sorry, an error has occurred. "}', times: 10 })
  h.rs.addResource({ ref: 60, resourceType: 1, accessionNumber: '2018.3.7', originalFilename: 'late_arrival.tif', sizes: ['thm', 'pre', 'scr'] })
  const faulty = h.rs.faults.list()[0]
  if (faulty !== undefined) faulty.remove()
  h.rs.faults.add({ match: req => req.operation === 'do_search' && (h.rs.state().calls.do_search ?? 0) > 1, kind: 'status', status: 200, contentType: 'application/json', body: '{"error":true,"error_note":"Sorry, an error has occurred. "}' })
  const run = await runSync(h.app.spacelink, 'art')
  t.equal(run.status, 'finished', 'a run whose items all reached a known outcome is not failed by its follow-up work')
  t.equal(run.counts.pushed, 1, 'the new resource was synced')
  t.match(run.warnings, [/could not look for earlier failures to retry: ResourceSpace answered do_search with an error object/])
  const stored = await h.app.spacelink.store.syncRuns.get(run.runId)
  t.same(stored?.warnings, run.warnings, 'the warning is in the run record')
})

t.test('10 % random 503s from RS and CS: plain nightly runs (no --retry-failed) converge, with no orphan and no duplicate', async t => {
  const { h, nextNight } = await nights(t)
  const random = prng(Number(process.env.SYNC_FAULT_SEED ?? 11))
  const flaky = (): boolean => random() < 0.1
  h.rs.faults.add({ match: flaky, kind: 'status', status: 503, body: 'Service Unavailable' })
  h.cs.faults.add({ match: flaky, kind: 'status', status: 503, body: 'Service Unavailable' })
  const dry = await runSync(h.app.spacelink, 'art', { dryRun: true })
  t.equal(dry.status, 'finished')
  t.same(await h.app.spacelink.store.failures.list('art'), [], 'a dry run never counts as failures to retry')
  let night = await runSync(h.app.spacelink, 'art')
  for (let n = 0; n < 6 && (night.counts['upstream-error'] ?? 0) > 0; n++) {
    nextNight()
    night = await runSync(h.app.spacelink, 'art')
  }
  h.rs.faults.clear()
  h.cs.faults.clear()
  nextNight()
  const last = await runSync(h.app.spacelink, 'art')
  t.equal(last.counts['upstream-error'], undefined, 'no upstream error left')
  assertCsConsistent(t, h, 'art', artPushed)
  for (const rsid of artPushed) {
    t.equal(h.rsField(rsid, synced), 'true', `RS ${rsid}: synced`)
    t.match(h.rsField(rsid, status), /spacelink: (pushed|already-pushed): /, `RS ${rsid}: its status says so`)
  }
  for (const [rsid, outcome] of Object.entries(expectedFailures)) t.match(h.rsField(Number(rsid), status), new RegExp(`spacelink: ${outcome}: `))
  t.same(await h.app.spacelink.store.unfinishedWrites.list('art'), [], 'no write set left unfinished')
  t.same(await h.app.spacelink.store.links.unfinished('art'), [], 'no push left halfway')
})

t.test('an upstream error is tried again on later nights, a bounded number of times', async t => {
  const { h, nextNight } = await nights(t, { configure: c => { c.sync.maxAttempts = 3 } })
  // CS fails every search for one object, whatever spacelink does.
  h.cs.faults.add({ match: req => req.operation === 'GET /collectionobjects' && decodeURIComponent(req.url).includes('2019.12.3'), kind: 'status', status: 503 })
  const first = await runSync(h.app.spacelink, 'art')
  t.equal(first.counts['upstream-error'], 1)
  const tries: number[] = []
  for (let n = 0; n < 7; n++) {
    nextNight()
    tries.push((await runSync(h.app.spacelink, 'art')).total)
  }
  const failure = (await h.app.spacelink.store.failures.list('art')).find(f => f.rsid === 1)
  t.equal(failure?.attempts, 3, 'given up after three attempts')
  t.same(tries, [1, 0, 1, 0, 0, 0, 0], 'the next night, then two nights later, then no more')
  t.equal(h.rsField(1, synced), 'false', 'the resource says it failed')
})

// Resource 2's write set: title, date, creator, CS URL and status (in parallel), then synced, the commit marker.
for (const [field, name] of [[8, 'title'], [12, 'date'], [92, 'creator'], [90, 'CS URL'], [91, 'status'], [89, 'synced']] as const) {
  t.test(`an RS write set whose ${name} write fails is finished by the next night`, async t => {
    const { h, nextNight } = await nights(t)
    // Every attempt at this one field fails (retries included) while the press runs.
    const failing = h.rs.faults.add({ match: req => req.operation === 'update_field' && new URLSearchParams(req.url.split('?')[1]).get('field') === String(field), kind: 'status', status: 503 })
    const press = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=2&query_type=push-resource', headers: { 'x-api-key': h.keys.admin } })
    t.ok(failing.hits > 0, 'the write failed')
    t.equal(press.json().outcome, 'upstream-error')
    failing.remove()
    nextNight()
    await runSync(h.app.spacelink, 'art')
    t.equal(h.rsField(2, synced), 'true')
    t.equal(h.rsField(2, title), 'Portrait of a Collaboration', 'the metadata is there')
    t.match(h.rsField(2, status), /spacelink: (pushed|already-pushed): /)
    t.equal(h.cs.state('art').media.filter(m => m.identificationNumber === 'RS-2-scr').length, 1)
    t.same(await h.app.spacelink.store.unfinishedWrites.list('art'), [])
  })
}
