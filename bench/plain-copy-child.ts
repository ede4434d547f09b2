/**
 * The baseline for the streaming benchmark: the same bytes copied from the download URL to the CS
 * simulator's `POST /blobs` with nothing but undici and a multipart frame — no spacelink code, no checks,
 * no hashing. `BENCH_FROM=<url> BENCH_BLOBS=<url> BENCH_AUTH=<user:password>`.
 */
import { PassThrough } from 'node:stream'
import { request } from 'undici'
import { peakRssKb, report } from './child.js'

const rssBeforeKb = process.memoryUsage().rss / 1024
const started = performance.now()
const download = await request(process.env.BENCH_FROM ?? '', { headersTimeout: 120_000, bodyTimeout: 120_000 })
const length = Number(download.headers['content-length'])
const boundary = 'plain-copy-boundary'
const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="plain.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`)
const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
// The multipart frame around the download, with pipe()'s back-pressure all the way.
const body = new PassThrough()
body.write(head)
download.body.pipe(body, { end: false })
download.body.once('end', () => { body.end(tail) })
const upload = await request(process.env.BENCH_BLOBS ?? '', {
  method: 'POST',
  headers: {
    authorization: `Basic ${Buffer.from(process.env.BENCH_AUTH ?? '').toString('base64')}`,
    'content-type': `multipart/form-data; boundary=${boundary}`,
    'content-length': String(head.length + length + tail.length)
  },
  body,
  headersTimeout: 120_000,
  bodyTimeout: 120_000
})
await upload.body.dump()
const ms = performance.now() - started
await report({ status: upload.statusCode, bytes: length, ms, rssBeforeKb, maxRssKb: peakRssKb() })
