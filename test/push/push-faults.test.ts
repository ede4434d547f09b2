/**
 * push-resource under upstream faults, end to end with the simulators over real HTTP: every CS step of a push (blob, media,
 * each relation) and the RS steps (the download, the final field writes) fail once in each way a server
 * or network fails (5xx, reset, no answer, and a write whose answer is lost). The first press must fail
 * visibly (upstream-error, 502/504, said in RS); the second press must finish the push, and CS must then
 * hold exactly one blob, one media record and one relation each way: nothing twice, nothing orphaned.
 */
import t, { type Test } from 'tap'
import type { FaultKind, FaultMatch } from '../../src/simulators/faults.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { assertNoOrphans, assertPushedOnce } from '../helpers/cs-invariants.js'

const synced = 89
const status = 91
const redHills = { rsid: 1, objectCsid: '87674c8f-296d-4682-a795' }
const cleo = { rsid: 17, objectCsid: 'f1100000-0002-4000-8001' }
const kinds: FaultKind[] = ['status', 'reset', 'hang', 'fail-after-write']

/** Matches the `n`-th request of `operation` (counted while the fault is active). */
function nth (operation: string, n: number): FaultMatch {
  let seen = 0
  return req => req.operation === operation && ++seen === n
}

interface Step {
  name: string
  system: 'cs' | 'rs'
  /** The operation the status sentence in RS must name. */
  operation: string
  match: () => FaultMatch
  /** An RS field write: setting the same value again is harmless, so the client retries it at once. */
  retried?: boolean
  /** How often the step must fail for the press to fail (default once). */
  times?: number
}

const streamSteps: Step[] = [
  { name: 'POST /blobs', system: 'cs', operation: 'POST /blobs', match: () => ({ operation: 'POST /blobs' }) },
  { name: 'POST /media', system: 'cs', operation: 'POST /media', match: () => ({ operation: 'POST /media' }) },
  { name: 'first POST /relations', system: 'cs', operation: 'POST /relations', match: () => nth('POST /relations', 1) },
  { name: 'second POST /relations', system: 'cs', operation: 'POST /relations', match: () => nth('POST /relations', 2) },
  // A first push opens its download ahead of the lock and opens it once more if that failed: both fail here.
  { name: 'RS download', system: 'rs', operation: 'download', match: () => ({ operation: 'download' }), times: 2 },
  // The final write set: metadata, CS record URL and status sentence, then synced = true.
  { name: 'first final update_field', system: 'rs', operation: 'update_field', match: () => nth('update_field', 1), retried: true },
  { name: 'last final update_field', system: 'rs', operation: 'update_field', match: () => nth('update_field', 6), retried: true }
]

async function harness (t: Test): Promise<Harness> {
  return await startHarness(t, {
    configure: c => {
      for (const instance of Object.values(c.instances)) instance.cspace.timeoutMs = 500
      c.resourcespace.timeoutMs = 500
    }
  })
}

async function push (h: Harness, rsid: number, extra = ''): Promise<{ statusCode: number, body: Record<string, unknown> }> {
  const res = await h.app.inject({
    method: 'POST',
    url: `/api/v1/callback?rsid=${rsid}&query_type=push-resource${extra}`,
    headers: { 'x-api-key': h.keys.button, accept: 'application/json' }
  })
  return { statusCode: res.statusCode, body: res.json() }
}

for (const step of streamSteps) {
  for (const kind of kinds) {
    t.test(`stream mode: ${kind} at ${step.name}, then a second press`, async t => {
      const h = await harness(t)
      const sim = step.system === 'cs' ? h.cs : h.rs
      const fault = sim.faults.add({ match: step.match(), kind, status: 500, times: step.times ?? 1 })

      const first = await push(h, redHills.rsid)
      t.equal(fault.hits, step.times ?? 1, 'the fault fired')
      if (step.retried === true) {
        t.equal(first.statusCode, 201, 'the write was retried: the first press completes')
        assertPushedOnce(t, h.cs.state('art'), redHills.objectCsid)
        t.equal(h.rsField(redHills.rsid, synced), 'true')
        t.match(h.rsField(redHills.rsid, status), /spacelink: pushed: 'scr' to CollectionSpace object 2019\.12\.3/)
        t.same(await h.app.spacelink.store.unfinishedWrites.list('art'), [], 'the write set is complete')
        return
      }
      t.equal(first.statusCode, kind === 'hang' ? 504 : 502, 'the first press fails with an upstream status')
      t.equal(first.body.outcome, 'upstream-error')
      const said = h.rsField(redHills.rsid, status)
      t.match(said, /spacelink: upstream-error: /, 'RS status says the push failed')
      t.ok(said.includes(step.operation), `… and names the failed step (${step.operation})`)
      t.not(h.rsField(redHills.rsid, synced), 'true', 'not marked synced')

      const second = await push(h, redHills.rsid)
      t.equal(second.statusCode, 201, 'the second press finishes the push')
      t.equal(second.body.outcome, 'pushed')
      assertPushedOnce(t, h.cs.state('art'), redHills.objectCsid)
      t.equal(h.rsField(redHills.rsid, synced), 'true')
      t.match(h.rsField(redHills.rsid, status), /spacelink: pushed: 'scr' to CollectionSpace object 2019\.12\.3/)

      const third = await push(h, redHills.rsid)
      t.equal(third.body.outcome, 'already-pushed', 'a third press changes nothing')
      t.equal(h.cs.state('art').media.length, 1)
    })
  }
}

for (const kind of kinds) {
  t.test(`blob-uri mode: ${kind} at POST /media, then a second press`, async t => {
    const h = await harness(t)
    const fault = h.cs.faults.add({ match: { operation: 'POST /media' }, kind, status: 500, times: 1 })

    const first = await push(h, cleo.rsid)
    t.equal(fault.hits, 1, 'the fault fired')
    t.equal(first.statusCode, kind === 'hang' ? 504 : 502)
    t.equal(first.body.outcome, 'upstream-error')
    t.match(h.rsField(cleo.rsid, status), /spacelink: upstream-error: /)
    t.equal(h.cs.state('film').media.length, kind === 'fail-after-write' ? 1 : 0, 'CS holds what the lost answer created, if anything')

    const second = await push(h, cleo.rsid)
    t.equal(second.statusCode, 201)
    const once = assertPushedOnce(t, h.cs.state('film'), cleo.objectCsid)
    t.equal(h.cs.state('film').blobs.find(b => b.csid === once.blobCsid)?.name, 'cleo_poster.jpg', 'the blob is renamed from download.php')
    t.equal(h.rsField(cleo.rsid, synced), 'true')
  })
}

for (const kind of ['status', 'fail-after-write'] as const) {
  t.test(`a forced new version with ${kind} at POST /blobs gets a blob of its own on the next press`, async t => {
    const h = await harness(t)
    t.equal((await push(h, redHills.rsid)).statusCode, 201, 'version 1 is pushed')
    const fault = h.cs.faults.add({ match: { operation: 'POST /blobs' }, kind, status: 500, times: 1 })
    const forced = await push(h, redHills.rsid, '&force=true')
    t.equal(fault.hits, 1, 'version 2 really sent its bytes')
    t.equal(forced.statusCode, 502)

    const again = await push(h, redHills.rsid, kind === 'status' ? '&force=true' : '')
    t.equal(again.statusCode, 201, 'the next press finishes version 2')
    const state = h.cs.state('art')
    t.same(state.media.map(m => m.identificationNumber).sort(), ['RS-1-scr', 'RS-1-scr-v2'], 'version 1 and version 2, nothing more')
    t.equal(state.blobs.length, 2, 'each version has its own blob')
    t.equal(state.relations.length, 4)
    assertNoOrphans(t, state)
  })
}

t.test('resuming a forced version never takes the previous version\'s blob, even one saved again since', async t => {
  const h = await harness(t)
  t.equal((await push(h, redHills.rsid)).statusCode, 201, 'version 1 is pushed')
  const v1Blob = h.cs.state('art').blobs[0]
  h.cs.faults.add({ match: { operation: 'POST /blobs' }, kind: 'fail-after-write', times: 1 })
  t.equal((await push(h, redHills.rsid, '&force=true')).statusCode, 502, 'version 2 loses the answer to its upload')
  // Someone saves version 1's blob record in CS: now it is the newest blob with this name and length.
  await h.app.spacelink.cs('art').renameBlob(String(v1Blob?.csid), String(v1Blob?.name))

  t.equal((await push(h, redHills.rsid)).statusCode, 201, 'the next press finishes version 2')
  const state = h.cs.state('art')
  t.equal(state.blobs.length, 2)
  t.equal(state.media.find(m => m.identificationNumber === 'RS-1-scr')?.blobCsid, v1Blob?.csid, 'version 1 keeps its blob')
  assertNoOrphans(t, state)
})

t.test('blob-uri mode: RS fails the download CS makes itself; the next press pushes once', async t => {
  const h = await harness(t)
  // The first download is spacelink's own check of the URL, the second is CS fetching the blob.
  h.rs.faults.add({ match: nth('download', 2), kind: 'status', status: 500, times: 1 })
  const first = await push(h, cleo.rsid)
  t.equal(first.statusCode, 502)
  t.match(h.rsField(cleo.rsid, status), /upstream-error: CollectionSpace answered 400 to POST \/media/, 'RS status names the failed step')
  t.equal(h.cs.state('film').media.length, 0, 'CS created nothing')
  t.equal((await push(h, cleo.rsid)).statusCode, 201)
  assertPushedOnce(t, h.cs.state('film'), cleo.objectCsid)
})

t.test('blob-uri mode: the blob rename keeps failing after the media record exists; the next press adopts it', async t => {
  const h = await harness(t)
  // Three failures: the first attempt and both retries of this idempotent call.
  h.cs.faults.add({ match: { operation: 'PUT /blobs/{csid}' }, kind: 'status', status: 503, times: 3 })
  const first = await push(h, cleo.rsid)
  t.equal(first.statusCode, 502)
  t.equal(h.cs.state('film').media.length, 1, 'the media record was created before the rename failed')
  const second = await push(h, cleo.rsid)
  t.equal(second.statusCode, 201)
  const once = assertPushedOnce(t, h.cs.state('film'), cleo.objectCsid)
  t.equal(h.cs.state('film').blobs.find(b => b.csid === once.blobCsid)?.name, 'cleo_poster.jpg')
  t.equal(h.cs.state().calls['POST /media'], 1)
})

// A museum's RS group can be narrower than spacelink needs. Real RS then answers 403 with `[]`; the person
// pressing must learn which function was refused — not be sent to check a key that is fine.
t.test('RS refuses a function with 403: the press names the function and a missing permission, CS gets nothing', async t => {
  const h = await harness(t)
  const fault = h.rs.faults.add({ match: { operation: 'get_resource_all_image_sizes' }, kind: 'status', status: 403, body: '[]', contentType: 'application/json' })

  const first = await push(h, redHills.rsid)
  t.equal(fault.hits, 1, 'refused once: a 403 is not retried')
  t.equal(first.statusCode, 502)
  t.equal(first.body.outcome, 'upstream-error')
  t.match(String(first.body.detail), /ResourceSpace refused get_resource_all_image_sizes to user 'spacelink' \(403\)/, 'the answer names the refused function')
  const said = h.rsField(redHills.rsid, status)
  t.match(said, /spacelink: upstream-error: ResourceSpace refused get_resource_all_image_sizes to user 'spacelink' \(403\): the user lacks a permission/)
  t.notMatch(said, /API key|credentials/, 'the key is not blamed')
  t.equal(h.cs.state('art').media.length, 0, 'no media in CS')
  t.equal(h.cs.state('art').blobs.length, 0, 'no blob in CS')
  t.not(h.rsField(redHills.rsid, synced), 'true')

  fault.remove()
  t.equal((await push(h, redHills.rsid)).statusCode, 201, 'once the group allows it, the next press pushes')
  assertPushedOnce(t, h.cs.state('art'), redHills.objectCsid)
})

t.test('one relation refused: the link keeps the one CS made, and the next press makes only the other', async t => {
  const h = await harness(t)
  h.cs.faults.add({ match: nth('POST /relations', 2), kind: 'status', status: 500, times: 1 })
  t.equal((await push(h, redHills.rsid)).statusCode, 502, 'the first press fails')
  const made = h.cs.state('art').relations
  t.equal(made.length, 1, 'CS made one relation of the two')
  const link = await h.app.spacelink.store.links.findCurrent(redHills.rsid, 'art', 'scr')
  t.equal(link?.step, 'media-created', 'the link has not passed its relations step')
  t.same(
    [link?.relationObjectMediaCsid, link?.relationMediaObjectCsid].filter(csid => csid !== null),
    [made[0]?.csid],
    'the link records the relation CS made, and only that one'
  )

  const posted = (): number => h.cs.state('art').calls['POST /relations'] ?? 0
  const before = posted()
  t.equal((await push(h, redHills.rsid)).statusCode, 201, 'the second press finishes the push')
  t.equal(posted() - before, 1, 'it made only the missing relation')
  assertPushedOnce(t, h.cs.state('art'), redHills.objectCsid)
})
