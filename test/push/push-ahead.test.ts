/**
 * A first push begins its download and its search for a forgotten push's media beside the CS object
 * search, before it holds the resource lock (src/actions/push-ahead.ts). What that must not change: a
 * resource already pushed costs RS no download, a resource CS has no object for gets nothing sent to CS,
 * and what was found before the lock is not adopted if CS no longer has it once the lock is held.
 */
import t from 'tap'
import { request } from 'undici'
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

t.test('pressing a pushed resource again opens no download from RS', async t => {
  const h = await startHarness(t)
  t.equal((await press(h.app, h, 1)).outcome, 'pushed')
  const before = downloads(h)
  t.equal(before, 1, 'the push downloaded the derivative once')
  t.equal((await press(h.app, h, 1)).outcome, 'already-pushed')
  t.equal(downloads(h), before, 'the second press did not open the derivative')
})

t.test('a resource CS has no object for: nothing reaches CS, and the person is told', async t => {
  const h = await startHarness(t)
  h.rs.addResource({ ref: 1101, resourceType: 1, accessionNumber: 'NO.SUCH.1', originalFilename: 'nothing.tif', sizes: ['thm', 'pre', 'scr'] })
  const answer = await press(h.app, h, 1101)
  t.equal(answer.outcome, 'not-found')
  const cs = h.cs.state()
  t.equal((cs.calls['POST /blobs'] ?? 0) + (cs.calls['POST /media'] ?? 0) + (cs.calls['POST /relations'] ?? 0), 0, 'no blob, media or relation was sent')
  t.same(h.cs.state('art').blobs, [])
  t.match(h.rsField(1101, 91), /not-found|matches no CollectionSpace object/, 'RS says why')
  t.ok(downloads(h) <= 1, `at most the one download begun beside the search (${downloads(h)})`)
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
    const deadline = Date.now() + 30_000
    while ((h.cs.state().calls['GET /media'] ?? 0) === searchesBefore) {
      if (Date.now() > deadline) throw new Error('the press never searched CS for media')
      await new Promise(resolve => setTimeout(resolve, 5))
    }
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
