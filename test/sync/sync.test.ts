/**
 * The nightly sync end to end over the sample museum, against the RS and CS simulators on loopback:
 * what the operator sees (summary counts, the run and its items over HTTP), what the person in RS sees
 * (synced flag and status sentence on each resource) and what CS holds afterwards (one media per pushed
 * resource, related both ways to the right object, no orphan blob), including under faults and a crash.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import type { FaultRequest } from '../../src/simulators/faults.js'
import { sampleObjects, type SampleObject } from '../../src/simulators/sample-museum.js'
import { SpacelinkError } from '../../src/errors.js'
import { successfulOutcomes } from '../../src/store/index.js'
import { runSync } from '../../src/sync/engine.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { engines, type Engine } from '../helpers/databases.js'

const synced = 89
const csUrl = 90
const status = 91
const creator = 92
const title = 8

/** What the art instance of the sample museum should end in: the RS-side failures, the rest pushed. */
const expectedFailures: Record<number, string> = { 4: 'ambiguous', 6: 'not-found', 7: 'no-accession-number', 8: 'no-derivative' }
/** Art resources (type 1) whose synced field is empty: 1–11 and 18–50 (12 is synced already, 13 is a document). */
const artCandidates = [...Array.from({ length: 11 }, (_, i) => i + 1), ...Array.from({ length: 33 }, (_, i) => i + 18)]
const artPushed = artCandidates.filter(rsid => expectedFailures[rsid] === undefined)
const knownOutcomes = new Set([...successfulOutcomes, 'not-found', 'ambiguous', 'no-accession-number', 'no-derivative', 'upstream-error'])

const admin = (h: Harness): Record<string, string> => ({ 'x-api-key': h.keys.admin, accept: 'application/json' })

async function itemOutcomes (h: Harness, runId: string): Promise<Map<number, string>> {
  const page = await h.app.spacelink.store.syncRuns.items(runId, { page: 0, size: 10_000 })
  return new Map(page.items.map(i => [i.rsid, i.outcome]))
}

/** rsid of a media record from its identification number `RS-{rsid}-{size}`. */
function rsidOfMedia (identificationNumber: string | undefined): number {
  return Number(/^RS-(\d+)-/.exec(identificationNumber ?? '')?.[1] ?? NaN)
}

/**
 * Asserts CS holds exactly one live media per expected resource, each with its own blob and one relation
 * each way to one object, and nothing else (no orphan blob or relation); returns the media's object by rsid.
 */
function assertCsConsistent (t: Test, h: Harness, tenant: string, rsids: number[]): Map<number, string> {
  const cs = h.cs.state(tenant)
  const media = cs.media.filter(m => m.workflowState !== 'deleted')
  t.same(media.map(m => rsidOfMedia(m.identificationNumber)).sort((a, b) => a - b), [...rsids].sort((a, b) => a - b), `${tenant}: exactly one media per pushed resource`)
  const blobs = new Set(cs.blobs.map(b => b.csid))
  t.equal(cs.blobs.length, media.length, `${tenant}: as many blobs as media (no orphan blob)`)
  t.same(new Set(media.map(m => m.blobCsid)), blobs, `${tenant}: every blob belongs to one media`)
  t.equal(cs.relations.length, 2 * media.length, `${tenant}: two relations per media`)
  const objectOf = new Map<number, string>()
  for (const m of media) {
    const toMedia = cs.relations.filter(r => r.objectCsid === m.csid && r.subjectDocumentType === 'CollectionObject')
    const fromMedia = cs.relations.filter(r => r.subjectCsid === m.csid && r.objectDocumentType === 'CollectionObject')
    if (toMedia.length !== 1 || fromMedia.length !== 1 || toMedia[0]?.subjectCsid !== fromMedia[0]?.objectCsid) {
      t.fail(`${tenant}: media ${m.identificationNumber ?? m.csid} is not related once each way to one object`)
      continue
    }
    objectOf.set(rsidOfMedia(m.identificationNumber), toMedia[0]?.subjectCsid ?? '')
  }
  return objectOf
}

t.test('a run over the sample museum: every resource in its expected outcome, CS and RS exactly as expected', async t => {
  const h = await startHarness(t)
  const summary = await runSync(h.app.spacelink, 'art')
  t.equal(summary.status, 'finished')
  t.equal(summary.total, artCandidates.length, 'every unsynced photo is a candidate, nothing else')
  t.same(summary.counts, { pushed: artPushed.length, ambiguous: 1, 'not-found': 1, 'no-accession-number': 1, 'no-derivative': 1 })
  t.same(summary.failures.map(f => [f.rsid, f.outcome]).sort((a, b) => Number(a[0]) - Number(b[0])), Object.entries(expectedFailures).map(([rsid, o]) => [Number(rsid), o]))
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
  t.equal(media.find(m => rsidOfMedia(m.identificationNumber) === 11)?.identificationNumber, 'RS-11-thm', 'a resource with only a thumbnail pushes the thumbnail')
  t.equal(h.cs.state('film').media.length, 0, 'the film tenant is another instance: untouched')

  for (const rsid of artPushed) {
    t.equal(h.rsField(rsid, synced), 'true', `RS ${rsid}: synced`)
    t.match(h.rsField(rsid, status), /^\d{4}-\d\d-\d\d \d\d:\d\d spacelink: pushed /, `RS ${rsid}: status sentence`)
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
  let run: { status: string, counts: Record<string, number>, total: number | null, items: { _embedded?: { items?: Array<{ rsid: number, outcome: string }> }, page: { totalElements: number } } } | undefined
  for (let i = 0; i < 300; i++) {
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
  for (let i = 0; i < 100 && (await h.app.spacelink.store.locks.runLock('art')) !== undefined; i++) await sleep(20)
})

/** A small deterministic PRNG, so a failing resilience run can be reproduced. */
function prng (seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6D2B79F5) | 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

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

for (const engine of engines) {
  t.test(`kill -9 mid-run (${engine}): the next run (after the lock TTL) finishes the job with no duplicate and no orphan`, async t => {
    await killedRunIsFinishedByTheNext(t, engine)
  })
}

async function killedRunIsFinishedByTheNext (t: Test, engine: Engine): Promise<void> {
  const h = await startHarness(t, { engine })
  const ttlMs = 1500
  const { store } = h.app.spacelink
  h.cs.faults.add({ match: () => true, kind: 'latency', ms: 15 })
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/sync-child.ts', 'art'], {
    env: {
      ...process.env,
      SYNC_CHILD_RS_API_URL: h.rs.apiUrl,
      SYNC_CHILD_CS_SERVICES_URL: h.cs.servicesUrl,
      SYNC_CHILD_DATABASE_URL: h.config.database.url,
      SYNC_CHILD_LOCK_TTL_MS: String(ttlMs)
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  let childRunId = ''
  let done = 0
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('started ')) childRunId = line.slice('started '.length)
    if (line.startsWith('done ')) done = Number(line.slice('done '.length))
    if (done >= 10) break
  }
  t.ok(done >= 10, `the child got going (${done} items; stderr: ${stderr.slice(0, 500)})`)
  // Freeze media creation: the pushes in flight now stop between their blob and their media.
  h.cs.faults.add({ match: { operation: 'POST /media' }, kind: 'hang', ms: 500 })
  let stuck = 0
  for (let i = 0; i < 200 && stuck < 3; i++) {
    await sleep(20)
    const cs = h.cs.state('art')
    stuck = cs.blobs.length - cs.media.length
  }
  t.ok(stuck >= 3, `killed with ${stuck} pushes between blob and media`)
  child.kill('SIGKILL')
  await once(child, 'exit')
  t.equal(child.signalCode, 'SIGKILL')
  h.cs.faults.clear()

  const lock = await store.locks.runLock('art')
  t.ok(lock !== undefined, 'the dead run still holds the lock')
  await t.rejects(runSync(h.app.spacelink, 'art'), { code: 'SYNC_RUNNING' }, 'a new run is refused until the lock TTL has passed')
  await sleep(Math.max(0, Date.parse(lock?.expiresAt ?? '') - Date.now()) + 50)

  const summary = await runSync(h.app.spacelink, 'art', { lockTtlMs: ttlMs })
  t.equal(summary.status, 'finished')
  t.equal((await store.syncRuns.get(childRunId))?.status, 'interrupted', 'the killed run is marked interrupted')
  const previous = await itemOutcomes(h, childRunId)
  const now = await itemOutcomes(h, summary.runId)
  // A kill can land after a push told RS (synced = true) but before its run recorded the item: such a
  // resource is done, and the next run rightly leaves it alone. Every other resource is in a run's items.
  const covered = new Set([...previous.keys(), ...now.keys()])
  const unrecorded = artCandidates.filter(rsid => !covered.has(rsid))
  t.same(unrecorded.filter(rsid => h.rsField(rsid, synced) !== 'true'), [], 'every resource was dealt with by one of the two runs')
  t.notOk([...previous].some(([rsid, o]) => o === 'pushed' && now.has(rsid)), 'what the killed run finished is not done again')
  assertCsConsistent(t, h, 'art', artPushed)
  for (const rsid of artPushed) t.equal(h.rsField(rsid, synced), 'true', `RS ${rsid}: synced`)
}

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
  t.match(h.rsField(1, status), /spacelink: updated /)
  const writes = h.rs.state().writes.slice(rsWrites)
  t.same([...new Set(writes.map(w => String(w.ref)))].sort(), ['1', '3'], 'RS writes touch resources 1 and 3 only')
  t.notOk(writes.some(w => String(w.field) === String(creator)), 'unchanged fields are not rewritten')
  t.equal(h.cs.state().writes.length, csWrites, 'nothing new in CS (no second media)')
  const again = await runSync(h.app.spacelink, 'art', { refresh: true })
  t.equal(again.total, 0, 'a refresh right after finds nothing')
})
