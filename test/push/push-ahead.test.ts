/**
 * A first push begins its download and its search for a forgotten push's media beside the CS object
 * search, before it holds the resource lock (src/actions/push-ahead.ts). What that must not change: a
 * resource already pushed costs RS no download, a resource CS has no object for gets nothing sent to CS,
 * and what was found before the lock is not adopted if CS no longer has it once the lock is held.
 */
import t from 'tap'
import { Agent, request } from 'undici'
import type { FastifyInstance } from 'fastify'
import { buildServer } from '../../src/server.js'
import { freshDatabaseUrl } from '../helpers/databases.js'
import { startHarness, type Harness } from '../helpers/harness.js'

async function press (app: FastifyInstance, h: Harness, rsid: number): Promise<{ statusCode: number, outcome: string, message: string }> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/callback?rsid=${rsid}&query_type=push-resource`,
    headers: { 'x-api-key': h.keys.admin, accept: 'application/json' }
  })
  const body = res.json()
  return { statusCode: res.statusCode, outcome: body.outcome, message: body.message }
}

const downloads = (h: Harness): number => h.rs.state().calls.download ?? 0

/** Waits until `condition` holds; bounded only so that a failure ends (nothing here is timed). */
async function until (what: string, condition: () => boolean): Promise<void> {
  const giveUp = Date.now() + 30_000
  while (!condition()) {
    if (Date.now() > giveUp) throw new Error(`never: ${what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

t.test('pressing a pushed resource again opens no download from RS', async t => {
  const h = await startHarness(t)
  t.equal((await press(h.app, h, 1)).outcome, 'pushed')
  const before = downloads(h)
  t.equal(before, 1, 'the push downloaded the derivative once')
  t.equal((await press(h.app, h, 1)).outcome, 'already-pushed')
  t.equal(downloads(h), before, 'the second press did not open the derivative')
})

t.test('a resource CS has no object for: nothing reaches CS, the person is told, and the download begun beside the search is closed', async t => {
  const h = await startHarness(t)
  h.rs.addResource({ ref: 1101, resourceType: 1, accessionNumber: 'NO.SUCH.1', originalFilename: 'nothing.tif', sizes: ['thm', 'pre', 'scr'] })
  // spacelink on a pool of its own, to see its requests to RS in flight.
  const rsPool = new Agent({ connections: 8 })
  const app = await buildServer(h.config, { schedule: false, rsDispatcher: rsPool })
  t.teardown(async () => { await app.close(); await rsPool.close() })
  await app.ready()
  // The CS search is held until RS has been asked for the image: the download is surely begun.
  let answerSearch = (): void => {}
  h.cs.faults.add({ match: { operation: 'GET /collectionobjects' }, kind: 'hold', times: 1, until: new Promise<void>(resolve => { answerSearch = resolve }) })
  const answer = press(app, h, 1101)
  await until('RS was asked for the image', () => downloads(h) === 1)
  answerSearch()
  t.equal((await answer).outcome, 'not-found')
  const cs = h.cs.state()
  t.equal((cs.calls['POST /blobs'] ?? 0) + (cs.calls['POST /media'] ?? 0) + (cs.calls['POST /relations'] ?? 0), 0, 'no blob, media or relation was sent')
  t.same(h.cs.state('art').blobs, [])
  t.match(h.rsField(1101, 91), /matches no CollectionSpace object/, 'RS says why')
  // The 'scr' image is larger than a connection buffers: a download nobody closed would stay in flight.
  const inFlight = (): number => Object.values(rsPool.stats).reduce((n, pool) => n + pool.running, 0)
  await until('no request to RS in flight', () => inFlight() === 0)
  t.equal(inFlight(), 0, 'the download was closed')
})

t.test('the download opened ahead failed (RS answered 503): the push opens it again and pushes', async t => {
  const h = await startHarness(t)
  const refused = h.rs.faults.add({ match: { operation: 'download' }, kind: 'status', status: 503, times: 1 })
  const answer = await press(h.app, h, 1)
  t.equal(answer.outcome, 'pushed')
  t.equal(refused.hits, 1, 'RS refused the download opened ahead')
  t.equal(downloads(h), 1, 'and served the one opened again')
  t.equal(h.cs.state().calls['POST /blobs'], 1)
})

t.test('memory lost, and the media deleted in CS while the press waited for the lock: a new push, not an adoption', async t => {
  const h = await startHarness(t)
  t.equal((await press(h.app, h, 1)).outcome, 'pushed')
  const first = h.cs.state('art').media[0]?.csid ?? ''
  t.not(first, '')
  // A spacelink that lost its memory: CS's media RS-1-scr is a forgotten push's, which it would adopt.
  const amnesiac = await buildServer({ ...h.config, database: { ...h.config.database, url: await freshDatabaseUrl(t, 'sqlite') } }, { schedule: false })
  t.teardown(() => amnesiac.close())
  await amnesiac.ready()
  const searchesBefore = h.cs.state().calls['GET /media'] ?? 0
  let answer: Promise<Awaited<ReturnType<typeof press>>> | undefined
  // The lock is held (as by another press) while the press begins: its media search runs before the lock.
  await amnesiac.spacelink.store.locks.withResourceLock('push:1', async () => {
    answer = press(amnesiac, h, 1)
    await until('the press searched CS for media', () => (h.cs.state().calls['GET /media'] ?? 0) > searchesBefore)
    // A person deletes that media record in CS meanwhile.
    const res = await request(
      `${h.cs.servicesUrl}media/${first}/workflow/delete`,
      { method: 'PUT', headers: { authorization: `Basic ${Buffer.from('art@spacelink.demo:demo').toString('base64')}` } }
    )
    await res.body.dump()
    t.equal(res.statusCode, 200)
  })
  const pushed = await (answer as Promise<Awaited<ReturnType<typeof press>>>)
  t.equal(pushed.outcome, 'pushed')
  t.notMatch(pushed.message, /adopting/, 'the deleted record was not adopted')
  const live = h.cs.state('art').media.filter(m => m.workflowState !== 'deleted')
  t.equal(live.length, 1, 'one live media record')
  t.not(live[0]?.csid, first, 'a new one')
  t.equal(h.cs.state().calls['POST /blobs'], 2, 'the bytes were sent again, for the new record')
})
