import t from 'tap'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createHash } from 'node:crypto'
import { blobName } from '../../../src/push/blob-name.js'
import { identificationKey, mediaFields } from '../../../src/push/media-fields.js'
import { HashingStream } from '../../../src/push/hashing-stream.js'
import { chooseSize } from '../../../src/push/derivative.js'
import type { InstanceConfig } from '../../../src/config/schema.js'

t.test('the blob takes the original stem and the derivative extension', async t => {
  t.equal(blobName('bampfa_1990-12-3_1.tif', 'jpg', 3), 'bampfa_1990-12-3_1.jpg')
  t.equal(blobName('C:\\scans\\photo.final.TIF', 'JPG', 3), 'photo.final.jpg')
  t.equal(blobName('', 'jpg', 9), 'resource-9.jpg')
})

const instance = {
  media: {
    fields: { 'media_common/title': '{accessionNumber} ({size})', 'media_common/identificationNumber': 'RS-{rsid}-{size}' },
    rules: [{ whenFilename: '_6\\.jpe?g$', set: { 'media_bampfa/websiteDisplayLevel': 'No public display' } }]
  }
} as unknown as InstanceConfig

t.test('media fields come from the template; the _6 rule hides the image', async t => {
  const m = { rsid: 9, size: 'scr', accessionNumber: "1985.4'b", filename: 'bampfa_2018-3-2_6.jpg', objectCsid: 'x', version: 1 }
  t.same(mediaFields(instance, m), {
    'media_common/title': "1985.4'b (scr)",
    'media_common/identificationNumber': 'RS-9-scr',
    'media_bampfa/websiteDisplayLevel': 'No public display'
  })
  t.notOk('media_bampfa/websiteDisplayLevel' in mediaFields(instance, { ...m, filename: 'x_1.jpg' }))
  t.equal(identificationKey(instance, { ...m, version: 2 }), 'RS-9-scr-v2')
})

t.test('the hashing stream passes bytes through and digests them', async t => {
  const data = Buffer.alloc(300_000, 7)
  const hashing = new HashingStream(data.length)
  const out: Buffer[] = []
  await pipeline(
    Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
    hashing,
    async function * (src) { for await (const c of src) out.push(c as Buffer) }
  )
  t.equal(Buffer.concat(out).length, data.length)
  t.equal(hashing.digests().sha256, createHash('sha256').update(data).digest('hex'))
  t.equal(hashing.digests().md5, createHash('md5').update(data).digest('hex'))
})

t.test('a truncated download fails the stream', async t => {
  const hashing = new HashingStream(10)
  await t.rejects(pipeline(Readable.from([Buffer.alloc(5)]), hashing, async function * (src) { for await (const _ of src) yield _ }), /truncated/)
})

t.test('the first preferred size RS has wins; none gives a reason', async t => {
  const sizes = [{ sizeCode: 'thm', extension: 'jpg', url: 'u1' }, { sizeCode: 'pre', extension: 'jpg', url: 'u2' }]
  t.equal((chooseSize(sizes, ['scr', 'pre', 'thm']) as { sizeCode: string }).sizeCode, 'pre')
  t.match(chooseSize(sizes, ['scr']), { problem: /none of the sizes scr \(it has thm, pre\)/ })
  t.match(chooseSize([], ['scr']), { problem: /no previews at all/ })
})
