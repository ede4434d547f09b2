/**
 * The archive as it is streamed, without Fastify: what a reader gets when everything goes well, when the
 * producer fails after bytes went out, and when the reader goes away (sources still open are destroyed).
 */
import { createHash, randomBytes } from 'node:crypto'
import { PassThrough, Readable } from 'node:stream'
import t from 'tap'
import { streamArchive, type ExportLog } from '../../../src/export/archive-writer.js'
import { packageFormats, type PackageFormat } from '../../../src/export/formats.js'
import { derivativeReport } from '../../../src/export/manifest.js'
import type { LinkRow } from '../../../src/store/index.js'
import { readArchive } from '../../helpers/archive-reader.js'

function recordingLog (): ExportLog & { lines: Array<{ level: string, msg: string }> } {
  const lines: Array<{ level: string, msg: string }> = []
  const at = (level: string) => (_obj: unknown, msg?: string) => { lines.push({ level, msg: msg ?? '' }) }
  return { lines, info: at('info'), warn: at('warn'), error: at('error') } as unknown as ExportLog & { lines: Array<{ level: string, msg: string }> }
}

async function collect (stream: Readable, onChunk = (): void => {}): Promise<{ bytes: Buffer, error?: Error }> {
  const chunks: Buffer[] = []
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer)
      onChunk()
    }
    return { bytes: Buffer.concat(chunks) }
  } catch (err) {
    return { bytes: Buffer.concat(chunks), error: err as Error }
  }
}

const formats: PackageFormat[] = ['zip', 'tar', 'tar.gz']

t.test('entries in order, each digest as a reader computes it', async t => {
  for (const format of formats) {
    const log = recordingLog()
    const image = Buffer.alloc(300_000, 7)
    const digests: Array<{ size: number, sha256: string, md5: string }> = []
    const output = streamArchive(packageFormats[format], { comment: 'Created by spacelink [http://x/y.zip]', log, mtime: new Date() }, async sink => {
      digests.push(await sink.addBytes('a/first.json', Buffer.from('{"a":1}\n')))
      digests.push(await sink.addStream('a/b/image.jpg', Readable.from([image.subarray(0, 100_000), image.subarray(100_000)]), image.length))
      digests.push(await sink.addBytes('manifest.json', Buffer.from('{}\n')))
    })
    const { bytes, error } = await collect(output)
    t.equal(error, undefined, `${format}: no error`)
    const read = await readArchive(bytes)
    t.same(read.entries.map(e => ({ name: e.name, size: e.size, sha256: e.sha256, md5: e.md5 })), [
      { name: 'a/first.json', ...digests[0] },
      { name: 'a/b/image.jpg', ...digests[1] },
      { name: 'manifest.json', ...digests[2] }
    ], `${format}: what the sink reported is what the reader finds`)
    t.equal(digests[1]?.sha256, createHash('sha256').update(image).digest('hex'))
    if (format === 'zip') t.equal(read.comment, 'Created by spacelink [http://x/y.zip]')
    t.same(log.lines.filter(l => l.level !== 'info'), [])
  }
})

t.test('a failure after bytes went out cuts the archive short, without its manifest; it is logged as an error', async t => {
  for (const format of formats) {
    const log = recordingLog()
    let received = (): void => {}
    const reading = new Promise<void>(resolve => { received = resolve })
    const output = streamArchive(packageFormats[format], { comment: '', log, mtime: new Date() }, async sink => {
      await sink.addBytes('first.bin', randomBytes(200_000))
      await reading
      throw new Error('CollectionSpace went away')
    })
    const { bytes, error } = await collect(output, received)
    t.match(error?.message, /CollectionSpace went away/, `${format}: the stream fails`)
    t.ok(bytes.length > 0, `${format}: after some bytes`)
    // A zip without its central directory is refused; a tar cut between entries still lists them, but
    // the manifest, always last, is not there: no reader can take it for a complete package.
    const read = await readArchive(bytes).catch(() => undefined)
    t.notOk(read?.entries.some(e => e.name === 'manifest.json'), `${format}: no manifest, so visibly incomplete`)
    if (format === 'zip') t.equal(read, undefined, 'zip: refused outright')
    t.match(log.lines, [{ level: 'error', msg: /archive is cut short/ }])
  }
})

t.test('a source shorter than announced fails the archive instead of shipping a wrong entry', async t => {
  for (const format of formats) {
    const output = streamArchive(packageFormats[format], { comment: '', log: recordingLog(), mtime: new Date() }, async sink => {
      await sink.addStream('image.jpg', Readable.from([Buffer.alloc(1000)]), 5000)
    })
    const { error } = await collect(output)
    t.match(error?.message, /truncated|unexpected number of bytes|size/i, `${format}: fails`)
  }
})

t.test('the reader going away destroys every source still open, and is logged as such', async t => {
  for (const format of formats) {
    const log = recordingLog()
    const download = new PassThrough()
    const waiting = new PassThrough()
    let written = 0
    const output = streamArchive(packageFormats[format], { comment: '', log, mtime: new Date() }, async sink => {
      sink.guard(waiting)
      await sink.addStream('image.jpg', download, 10_000_000)
    })
    download.write(Buffer.alloc(1000))
    written += 1000
    const first = await new Promise<Buffer>(resolve => output.once('data', resolve))
    t.ok(first.length > 0)
    output.destroy()
    await new Promise<void>(resolve => setImmediate(resolve))
    t.ok(download.destroyed, `${format}: the source being streamed is destroyed`)
    t.ok(waiting.destroyed, `${format}: and so is one opened but not reached yet`)
    t.ok(written < 10_000_000)
    while (log.lines.length === 0) await new Promise<void>(resolve => setImmediate(resolve))
    t.match(log.lines, [{ level: 'info', msg: /client went away/ }])
  }
})

t.test('derivative report: unchanged, changed (both hashes), not recorded (blob-uri), omitted', async t => {
  const link = { size: 'scr', byteLength: 3, sha256: 'aaa', md5: 'm', doneAt: '2026-01-01T00:00:00.000Z' } as LinkRow
  t.equal(derivativeReport(link, { path: 'p', packaged: { size: 3, sha256: 'aaa', md5: 'm' } }).status, 'unchanged')
  const changed = derivativeReport(link, { path: 'p', packaged: { size: 4, sha256: 'bbb', md5: 'n' } })
  t.equal(changed.status, 'changed')
  t.match(changed, { pushed: { sha256: 'aaa', byteLength: 3 }, packaged: { sha256: 'bbb', size: 4 } })
  t.match(changed.detail, /sha-256 bbb.*sha-256 aaa/)
  const blobUri = { ...link, sha256: null, md5: null }
  t.equal(derivativeReport(blobUri, { path: 'p', packaged: { size: 3, sha256: 'x', md5: 'y' } }).status, 'not-recorded')
  t.match(derivativeReport(blobUri, { path: 'p', packaged: { size: 9, sha256: 'x', md5: 'y' } }).detail, /length differs: 3 bytes then, 9 now/)
  t.match(derivativeReport(link, { status: 'omitted', problem: 'left out' }), { status: 'omitted', path: null, packaged: null })
})
