/**
 * push-resource pressed many times at once: double clicks, impatient registrars, a button press during
 * the nightly run, two spacelink replicas behind a load balancer. However the presses interleave, CS
 * must end up with one blob, one media record and one relation each way, and exactly one caller hears
 * 201 (the others hear 200 already-pushed).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildServer } from '../../src/server.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { assertPushedOnce } from '../helpers/cs-invariants.js'
import { manualTimer } from '../helpers/manual-timer.js'

const redHills = { rsid: 1, objectCsid: '87674c8f-296d-4682-a795' }

interface Answer { statusCode: number, outcome: string }

async function push (app: FastifyInstance, h: Harness, rsid: number): Promise<Answer> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/callback?rsid=${rsid}&query_type=push-resource`,
    headers: { 'x-api-key': h.keys.button, accept: 'application/json' }
  })
  return { statusCode: res.statusCode, outcome: String(res.json().outcome) }
}

/** How many answers were `201 pushed`, `200 already-pushed`, and anything else. */
function tally (answers: Answer[]): { pushed: number, already: number, other: Answer[] } {
  return {
    pushed: answers.filter(a => a.statusCode === 201 && a.outcome === 'pushed').length,
    already: answers.filter(a => a.statusCode === 200 && a.outcome === 'already-pushed').length,
    other: answers.filter(a => !(a.statusCode === 201 && a.outcome === 'pushed') && !(a.statusCode === 200 && a.outcome === 'already-pushed'))
  }
}

t.test('50 concurrent presses of one resource push it once', async t => {
  const h = await startHarness(t)
  // A little latency on every CS call keeps the pushes overlapping instead of finishing one by one.
  h.cs.faults.add({ match: () => true, kind: 'latency', ms: 5 })
  const answers = await Promise.all(Array.from({ length: 50 }, async () => await push(h.app, h, redHills.rsid)))
  const { pushed, already, other } = tally(answers)
  t.same(other, [], 'every answer is 201 pushed or 200 already-pushed')
  t.equal(pushed, 1, 'exactly one 201')
  t.equal(already, 49)
  assertPushedOnce(t, h.cs.state('art'), redHills.objectCsid)
  t.equal(h.cs.state().calls['POST /blobs'], 1, 'the bytes went to CS once')
  t.equal(h.cs.state().calls['POST /media'], 1)
  t.equal(h.rsField(redHills.rsid, 89), 'true')
  // Only the first press opens the download ahead of the lock; the others wait for the lock without one
  // (each would hold a connection to RS while it waits). If another press takes the lock first, it opens
  // its own: two at most.
  const downloads = h.rs.state().calls.download ?? 0
  t.ok(downloads >= 1 && downloads <= 2, `RS was asked for the image once or twice, not once per press (${downloads})`)
})

t.test('concurrent presses of different resources do not wait for or disturb each other', async t => {
  const h = await startHarness(t)
  const rsids = [1, 2, 5, 9, 11]
  const answers = await Promise.all(rsids.flatMap(rsid => [0, 1, 2].map(async () => ({ rsid, ...await push(h.app, h, rsid) }))))
  for (const rsid of rsids) {
    const mine = answers.filter(a => a.rsid === rsid)
    t.equal(tally(mine).pushed, 1, `resource ${rsid}: one 201`)
    t.equal(tally(mine).already, 2, `resource ${rsid}: two already-pushed`)
  }
  const state = h.cs.state('art')
  t.equal(state.media.length, rsids.length, 'one media record per resource')
  t.equal(state.blobs.length, rsids.length)
  t.equal(state.relations.length, 2 * rsids.length)
  t.same(state.media.map(m => m.identificationNumber).sort(), rsids.map(r => `RS-${r}-${r === 11 ? 'thm' : 'scr'}`).sort())
})

for (const engine of ['postgres', 'sqlite'] as const) {
  t.test(`two spacelink instances on one ${engine} database, 20 presses on each: one push`, async t => {
    const h = await startHarness(t, { engine })
    h.cs.faults.add({ match: () => true, kind: 'latency', ms: 5 })
    // A second replica: its own in-process locks and pools, the same database and the same upstreams.
    const replica = await buildServer(h.config, { schedule: false })
    t.teardown(() => replica.close())
    await replica.ready()
    const answers = await Promise.all(Array.from({ length: 40 }, async (_, i) => await push(i % 2 === 0 ? h.app : replica, h, redHills.rsid)))
    const { pushed, already, other } = tally(answers)
    t.same(other, [], 'every answer is 201 pushed or 200 already-pushed')
    t.equal(pushed, 1, 'exactly one 201 across both instances')
    t.equal(already, 39)
    assertPushedOnce(t, h.cs.state('art'), redHills.objectCsid)
    t.equal(h.cs.state().calls['POST /media'], 1)
  })
}

t.test('50 concurrent presses while CS loses the answer to POST /media: one fails, the next finishes, the rest already-pushed', async t => {
  const h = await startHarness(t)
  h.cs.faults.add({ match: { operation: 'POST /media' }, kind: 'fail-after-write', times: 1 })
  const answers = await Promise.all(Array.from({ length: 50 }, async () => await push(h.app, h, redHills.rsid)))
  const { pushed, already, other } = tally(answers)
  t.same(other, [{ statusCode: 502, outcome: 'upstream-error' }], 'the one press that met the lost answer fails')
  t.equal(pushed, 1, 'the press queued behind it finishes the push')
  t.equal(already, 48)
  assertPushedOnce(t, h.cs.state('art'), redHills.objectCsid)
  t.equal(h.cs.state().calls['POST /media'], 1, 'the media record the lost answer created is the one used')
})

t.test('an RS api_webhooks press queued behind a button press never writes RS after its answer', async t => {
  // The webhook's deadline is fired by the test, not by the clock, so a slow machine cannot reorder the story.
  const deadline = manualTimer()
  const h = await startHarness(t, { services: { sleep: deadline.sleep } })
  let release = (): void => {}
  const upload = h.cs.faults.add({ match: { operation: 'POST /blobs' }, kind: 'hold', until: new Promise<void>(resolve => { release = resolve }), times: 1 })
  const button = push(h.app, h, redHills.rsid)
  while (upload.hits < 1) await sleep(5)
  // RS's api_webhooks button: the bare ref as the body, the hash in the URL; RS waits for the answer.
  const pressing = h.app.inject({
    method: 'POST',
    url: `/api/v1/callback?query_type=push-resource&rsid=${redHills.rsid}&hash=${h.hash(redHills.rsid)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: String(redHills.rsid)
  })
  await deadline.started()
  deadline.fire()
  const hook = await pressing
  t.equal(hook.statusCode, 200)
  const transactionId = /\(reference ([\w-]+)\)/.exec(hook.body)?.[1] ?? ''
  t.match(hook.body, /push continues in the background/, 'the webhook press could not wait for the lock')
  const writesBefore = h.rs.state().writes.length
  release()
  t.same(await button, { statusCode: 201, outcome: 'pushed' }, 'the button press pushes')

  // The webhook press now gets the lock, finds the push done, and must keep quiet towards RS.
  while (h.app.spacelink.background.size > 0) await Promise.allSettled([...h.app.spacelink.background])
  const finished = await h.app.spacelink.store.transactions.get(transactionId)
  t.match(finished?.message, /already-pushed: .*\(finished in the background\)/, 'it found the push done')
  // After the answer only the button press writes: one status sentence, its own; nothing of the webhook press.
  const statusWrites = h.rs.state().writes.slice(writesBefore).filter(w => String(w.field) === '91' && String(w.ref) === String(redHills.rsid))
  t.same(statusWrites.map(w => w.value.replace(/^.*spacelink: /, '').split(':')[0]), ['pushed'], 'no RS write by the webhook press after its answer')
  assertPushedOnce(t, h.cs.state('art'), redHills.objectCsid)
})
