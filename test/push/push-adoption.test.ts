/**
 * What a resumed or repeated push may take over from CS, and what it must not: a blob is this push's only
 * when its content digest matches the bytes this push sent — two resources' `IMG_0001.tif` with
 * derivatives of equal length are not the same image — and a media record that a person deleted in CS
 * is not "already pushed".
 */
import { createHash } from 'node:crypto'
import t from 'tap'
import { request } from 'undici'
import { startHarness, type Harness } from '../helpers/harness.js'

const json = (h: Harness): Record<string, string> => ({ 'x-api-key': h.keys.admin, accept: 'application/json' })

/** The sha-256 of what RS serves for a resource's `scr` today. */
async function rsScrSha256 (h: Harness, rsid: number): Promise<string> {
  const sizes = await h.app.spacelink.rs.getResourceAllImageSizes(rsid)
  const res = await h.app.spacelink.rs.download(sizes.find(s => s.sizeCode === 'scr')?.url ?? '')
  return createHash('sha256').update(Buffer.from(await res.body.arrayBuffer())).digest('hex')
}

function twins (h: Harness): void {
  // Same original filename, and derivatives of the same length (the simulator's bytes differ only in a
  // comment naming the resource), so name and length cannot tell the two blobs apart.
  h.rs.addResource({ ref: 1003, resourceType: 1, accessionNumber: '2018.3.11', originalFilename: 'IMG_0001.tif', sizes: ['thm', 'pre', 'scr'] })
  h.rs.addResource({ ref: 1004, resourceType: 1, accessionNumber: '2018.3.12', originalFilename: 'IMG_0001.tif', sizes: ['thm', 'pre', 'scr'] })
}

t.test('a resumed upload never adopts another resource\'s blob of the same name and length', async t => {
  const h = await startHarness(t)
  twins(h)
  const first = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1003&query_type=push-resource', headers: json(h) })
  t.equal(first.statusCode, 201)
  // 1004's upload fails before CS stored anything; its resumed push finds 1003's blob by name.
  h.cs.faults.add({ match: { operation: 'POST /blobs' }, kind: 'status', status: 503, times: 1 })
  const failed = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1004&query_type=push-resource', headers: json(h) })
  t.equal(failed.json().outcome, 'upstream-error')
  const blobs = h.cs.state('art').blobs
  t.equal(blobs.length, 1)
  t.equal(blobs[0]?.name, 'IMG_0001.jpg')
  const resumed = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1004&query_type=push-resource', headers: json(h) })
  t.equal(resumed.statusCode, 201)
  const state = h.cs.state('art')
  t.equal(state.blobs.length, 2, 'a blob of its own was uploaded')
  const media = state.media.find(m => m.identificationNumber === 'RS-1004-scr')
  const blob = state.blobs.find(b => b.csid === media?.blobCsid)
  t.equal(blob?.sha256, await rsScrSha256(h, 1004), 'media RS-1004-scr holds resource 1004\'s bytes')
  t.not(blob?.sha256, await rsScrSha256(h, 1003))
})

t.test('a resumed upload whose answer was lost adopts its own blob, recognised by its digest', async t => {
  const h = await startHarness(t)
  twins(h)
  await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1003&query_type=push-resource', headers: json(h) })
  h.cs.faults.add({ match: { operation: 'POST /blobs' }, kind: 'fail-after-write', times: 1 })
  const lost = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1004&query_type=push-resource', headers: json(h) })
  t.equal(lost.json().outcome, 'upstream-error')
  t.equal(h.cs.state('art').blobs.length, 2, 'CS stored 1004\'s blob although the answer was lost')
  const resumed = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1004&query_type=push-resource', headers: json(h) })
  t.equal(resumed.statusCode, 201)
  const state = h.cs.state('art')
  t.equal(state.blobs.length, 2, 'no third blob: its own was adopted')
  t.equal(state.calls['POST /blobs'], 2, 'the bytes were not sent again')
  const media = state.media.find(m => m.identificationNumber === 'RS-1004-scr')
  t.equal(state.blobs.find(b => b.csid === media?.blobCsid)?.sha256, await rsScrSha256(h, 1004))
})

t.test('a media record deleted in CS is not "already pushed": the press says so and pushes again', async t => {
  const h = await startHarness(t)
  const first = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=push-resource', headers: json(h) })
  t.equal(first.statusCode, 201)
  const gone = h.cs.state('art').media[0]?.csid ?? ''
  // A person deletes the media record in CS.
  const deleted = await request(
    `${h.cs.servicesUrl}media/${gone}`,
    { method: 'DELETE', headers: { authorization: `Basic ${Buffer.from('art@spacelink.demo:demo').toString('base64')}` } }
  )
  await deleted.body.dump()
  t.equal(deleted.statusCode, 200)
  const again = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=push-resource', headers: json(h) })
  t.equal(again.statusCode, 201, 'pushed, not already-pushed')
  t.match(again.json().message, new RegExp(`the earlier media ${gone} was deleted in CollectionSpace`))
  const live = h.cs.state('art').media.filter(m => m.workflowState !== 'deleted')
  t.same(live.map(m => m.identificationNumber), ['RS-1-scr-v2'], 'one live media record again')
  t.match(h.rsField(1, 91), /pushed: 'scr' .*deleted in CollectionSpace/)
  t.equal(h.rsField(1, 89), 'true')
  const third = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=push-resource', headers: json(h) })
  t.equal(third.json().outcome, 'already-pushed', 'now it is')
})

t.test('a media record soft-deleted in CS (workflow delete) counts as gone too', async t => {
  const h = await startHarness(t)
  await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=5&query_type=push-resource', headers: json(h) })
  const media = h.cs.state('art').media[0]?.csid ?? ''
  const res = await request(
    `${h.cs.servicesUrl}media/${media}/workflow/delete`,
    { method: 'PUT', headers: { authorization: `Basic ${Buffer.from('art@spacelink.demo:demo').toString('base64')}` } }
  )
  await res.body.dump()
  const again = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=5&query_type=push-resource', headers: json(h) })
  t.equal(again.json().outcome, 'pushed')
})
