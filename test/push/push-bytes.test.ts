/**
 * The image CS ends up with is the image RS has, byte for byte: downloaded from RS here independently,
 * hashed, and compared with what CS serves for the pushed media record and with the hash spacelink
 * recorded in the link (stream mode, where the bytes pass through spacelink, and blob-uri mode, where
 * CS fetches them itself).
 */
import { createHash } from 'node:crypto'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { startHarness, type Harness } from '../helpers/harness.js'

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

/** The derivative as RS serves it, fetched without spacelink: the size's download URL, read whole. */
async function rsBytes (t: Test, h: Harness, rsid: number, size: string): Promise<Buffer> {
  const sizes = await h.app.spacelink.rs.getResourceAllImageSizes(rsid)
  const url = sizes.find(s => s.sizeCode === size)?.url
  if (url === undefined) throw new Error(`RS has no '${size}' for resource ${rsid}`)
  const res = await request(url)
  t.equal(res.statusCode, 200, `RS serves the '${size}' of resource ${rsid}`)
  return Buffer.from(await res.body.arrayBuffer())
}

/** The bytes CS serves for a media record (its blob's content), read as a CS client would. */
async function csMediaBytes (t: Test, h: Harness, tenant: 'art' | 'film', mediaCsid: string): Promise<Buffer> {
  const authorization = `Basic ${Buffer.from(`${tenant}@spacelink.demo:demo`).toString('base64')}`
  const res = await request(new URL(`media/${mediaCsid}/blob/content`, h.cs.servicesUrl), { headers: { authorization } })
  t.equal(res.statusCode, 200, 'CS serves the media record\'s content')
  return Buffer.from(await res.body.arrayBuffer())
}

async function pushAndReadLink (t: Test, h: Harness, rsid: number): Promise<{ mediaCsid: string, sha256: string, byteLength: number, size: string }> {
  const res = await h.app.inject({ method: 'POST', url: `/api/v1/callback?rsid=${rsid}&query_type=push-resource`, headers: { 'x-api-key': h.keys.button, accept: 'application/json' } })
  t.equal(res.statusCode, 201, `resource ${rsid} is pushed`)
  const link = await h.app.inject({ method: 'GET', url: String(res.headers.location), headers: { 'x-api-key': h.keys.admin } })
  t.equal(link.statusCode, 200)
  return link.json()
}

t.test('stream mode: the CS blob hashes to the RS bytes, and so does the link', async t => {
  const h = await startHarness(t)
  const link = await pushAndReadLink(t, h, 1)
  const fromRs = await rsBytes(t, h, 1, link.size)
  t.ok(fromRs.length > 1000, 'a real image, not an empty answer')
  const fromCs = await csMediaBytes(t, h, 'art', link.mediaCsid)
  t.equal(sha256(fromCs), sha256(fromRs), 'CS serves exactly the RS bytes')
  t.equal(fromCs.length, fromRs.length)
  t.equal(link.sha256, sha256(fromRs), 'the link records the hash of the bytes RS sent')
  t.equal(link.byteLength, fromRs.length)
  t.equal(h.cs.state('art').blobs[0]?.sha256, sha256(fromRs))
  t.equal(h.cs.state('art').blobs[0]?.mimeType, 'image/jpeg')
})

t.test('blob-uri mode: the blob CS fetched itself hashes to the RS bytes', async t => {
  const h = await startHarness(t)
  const link = await pushAndReadLink(t, h, 17)
  const fromRs = await rsBytes(t, h, 17, link.size)
  const fromCs = await csMediaBytes(t, h, 'film', link.mediaCsid)
  t.equal(sha256(fromCs), sha256(fromRs), 'CS holds exactly the RS bytes')
  t.equal(link.byteLength, fromRs.length)
})
