/**
 * Link packages end to end: real links made by pushing through the simulators, exported in each format,
 * and unpacked by an independent reader (Python's zipfile/tarfile) that checks what a registrar or an
 * auditor relies on: every file the manifest lists has the size and hashes it states, the manifest is
 * complete, the zip comment names the URL, and a changed image in RS is said, not shipped silently.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { startHarness, type Harness } from '../helpers/harness.js'
import { readArchive, type ReadArchive, type ReadEntry } from '../helpers/archive-reader.js'

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex')
const admin = (h: Harness): Record<string, string> => ({ 'x-api-key': h.keys.admin, accept: 'application/json' })

interface ManifestFile { path: string, size: number, sha256: string, md5: string }
interface Manifest {
  source: string
  link: { id: string, rsid: number, sha256: string, byteLength: number, objectNumber: string }
  transactions: Array<{ id: string, role: string, queryType: string }>
  files: ManifestFile[]
  derivative: {
    status: string,
    path: string | null,
    pushed: { sha256: string | null, byteLength: number | null },
    packaged: { sha256: string, size: number } | null,
    detail: string
  }
  missing: Array<{ path: string, reason: string }>
}

/** Pushes a resource (optionally after retrieve-metadata) and answers its link id. */
async function push (t: Test, h: Harness, rsid: number, opts: { metadataFirst?: boolean } = {}): Promise<string> {
  if (opts.metadataFirst === true) {
    const metadata = await h.app.inject({ method: 'POST', url: `/api/v1/callback?rsid=${rsid}&query_type=retrieve-metadata`, headers: admin(h) })
    t.equal(metadata.statusCode, 200, `metadata of resource ${rsid} retrieved`)
  }
  const res = await h.app.inject({ method: 'POST', url: `/api/v1/callback?rsid=${rsid}&query_type=push-resource`, headers: admin(h) })
  t.equal(res.statusCode, 201, `resource ${rsid} pushed`)
  return String(res.headers.location).split('/').pop() ?? ''
}

function entry (archive: ReadArchive, name: string): ReadEntry {
  const found = archive.entries.find(e => e.name === name)
  if (found === undefined) throw new Error(`no ${name} in the archive (it has ${archive.entries.map(e => e.name).join(', ')})`)
  return found
}

/**
 * The manifest is the last entry; every other entry of its directory is listed with the size and hashes
 * the independent reader computed, and nothing is listed that is not there.
 */
function checkManifest (t: Test, archive: ReadArchive, dir = ''): Manifest {
  const inDir = archive.entries.filter(e => e.name.startsWith(dir) && !e.name.slice(dir.length).startsWith('links/'))
  const last = inDir[inDir.length - 1]
  t.equal(last?.name, `${dir}manifest.json`, 'manifest.json is the last entry of its package')
  const manifest = JSON.parse(last?.text ?? '{}') as Manifest
  const others = inDir.slice(0, -1)
  t.same(manifest.files.map(f => f.path).sort(), others.map(e => e.name.slice(dir.length)).sort(), 'the manifest lists every other file, and only those')
  for (const file of manifest.files) {
    const found = entry(archive, dir + file.path)
    t.same(
      { size: found.size, sha256: found.sha256, md5: found.md5 },
      { size: file.size, sha256: file.sha256, md5: file.md5 },
      `${file.path}: size, sha-256 and md5 as the manifest states`
    )
  }
  return manifest
}

async function download (h: Harness, url: string): Promise<{ status: number, headers: Record<string, unknown>, archive: ReadArchive, raw: Buffer }> {
  const res = await h.app.inject({ method: 'GET', url, headers: admin(h) })
  if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`)
  return { status: res.statusCode, headers: res.headers, archive: await readArchive(res.rawPayload), raw: res.rawPayload }
}

t.test('every format unpacks with an independent reader; every listed hash is right', async t => {
  const h = await startHarness(t)
  const id = await push(t, h, 1, { metadataFirst: true })
  const link = (await h.app.inject({ method: 'GET', url: `/api/v1/links/${id}`, headers: admin(h) })).json()
  const formats = [
    { path: 'package.zip', type: 'application/zip', name: '2019.12.3-rs1.zip', kind: 'zip', gzip: false },
    { path: 'package.tar', type: 'application/x-tar', name: '2019.12.3-rs1.tar', kind: 'tar', gzip: false },
    { path: 'package.tar.gz', type: 'application/gzip', name: '2019.12.3-rs1.tar.gz', kind: 'tar', gzip: true },
    { path: 'package.tar?gzip', type: 'application/gzip', name: '2019.12.3-rs1.tar.gz', kind: 'tar', gzip: true }
  ]
  for (const f of formats) {
    const { headers, archive } = await download(h, `/api/v1/links/${id}/${f.path}`)
    t.equal(headers['content-type'], f.type, `${f.path}: ${f.type}`)
    t.equal(headers['content-disposition'], `attachment; filename="${f.name}"`)
    t.equal(headers['content-length'], undefined, 'streamed (chunked), not built first')
    t.equal(archive.kind, f.kind)
    t.equal(archive.gzip, f.gzip)
    const manifest = checkManifest(t, archive)
    t.same(archive.entries.map(e => e.name), [
      'cspace/collectionobject.xml', 'cspace/media.xml', 'resourcespace/fields.json', 'mapped.json',
      'resourcespace/scr/okeeffe_red_hills.jpg', 'manifest.json'
    ])
    t.equal(manifest.link.id, id)
    t.equal(manifest.derivative.status, 'unchanged')
    t.equal(entry(archive, 'resourcespace/scr/okeeffe_red_hills.jpg').sha256, link.sha256, 'the image is the one pushed to CS')
    t.same(manifest.missing, [])
  }
})

t.test('the zip comment names the URL it was made from (credentials left out)', async t => {
  const h = await startHarness(t)
  const id = await push(t, h, 1)
  const res = await h.app.inject({ method: 'GET', url: `/api/v1/links/${id}/package.zip?image=false&key=${h.keys.admin}` })
  t.equal(res.statusCode, 200)
  const archive = await readArchive(res.rawPayload)
  const url = `http://spacelink.test/api/v1/links/${id}/package.zip?image=false`
  t.equal(archive.comment, `Created by spacelink [${url}]`)
  t.equal(checkManifest(t, archive).source, url)
  t.notOk(res.rawPayload.includes(h.keys.admin), 'the key appears nowhere in the archive')
  // As o2r documents it: Info-ZIP's `unzip -z` prints the comment (when unzip is installed).
  const dir = await mkdtemp(join(tmpdir(), 'spacelink-zip-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'package.zip'), res.rawPayload)
  const unzip = await promisify(execFile)('unzip', ['-z', join(dir, 'package.zip')]).catch((err: NodeJS.ErrnoException) => err)
  if ('code' in unzip && unzip.code === 'ENOENT') t.comment('unzip is not installed: that check is skipped')
  else t.match('stdout' in unzip ? unzip.stdout : '', `Created by spacelink [${url}]`, 'unzip -z shows it')
})

t.test('the package holds the CS record as received, the media record, the RS fields and the writes with their previous values', async t => {
  const h = await startHarness(t)
  const id = await push(t, h, 2)
  const { archive } = await download(h, `/api/v1/links/${id}/package.tar`)
  const manifest = checkManifest(t, archive)
  const pushed = manifest.transactions.find(tx => tx.role === 'push')
  t.equal(pushed?.queryType, 'push-resource')
  t.notOk(manifest.transactions.some(tx => tx.role === 'metadata'), 'a push keeps the CS record it read: no other transaction is needed for it')
  const stored = (await h.app.inject({ method: 'GET', url: `/api/v1/transactions/${pushed?.id ?? ''}`, headers: admin(h) })).json()
  t.equal(entry(archive, 'cspace/collectionobject.xml').text, stored.raw, 'the CS record byte for byte as the transaction kept it')
  t.match(entry(archive, 'cspace/media.xml').text, /<identificationNumber>RS-2-scr<\/identificationNumber>/)
  const fields = JSON.parse(entry(archive, 'resourcespace/fields.json').text ?? '[]') as Array<{ name: string, value: string }>
  t.equal(fields.find(f => f.name === 'creator')?.value, "Georgia O'Keeffe; Alfred Stieglitz")
  const mapped = JSON.parse(entry(archive, 'mapped.json').text ?? '{}') as {
    mapped: Record<string, string>,
    writes: Array<{ field: string, previous: string, value: string, queryType: string }>
  }
  t.equal(mapped.mapped.title, 'Portrait of a Collaboration')
  const title = mapped.writes.find(w => w.field === 'title' || w.field === '8')
  t.same(
    { previous: title?.previous, value: title?.value, queryType: title?.queryType },
    { previous: '', value: 'Portrait of a Collaboration', queryType: 'push-resource' },
    'the press wrote the mapped title over an empty field'
  )
  t.ok(mapped.writes.some(w => w.field === 'synced' || w.field === '89'), 'the push\'s own writes (synced, status) too')
})

t.test('once retention cleared the transactions\' details, the manifest says the CS record is missing and why', async t => {
  const h = await startHarness(t)
  const id = await push(t, h, 1)
  t.ok((await h.app.spacelink.store.prune(0)).transactions > 0, 'details cleared')
  const { archive } = await download(h, `/api/v1/links/${id}/package.zip`)
  const manifest = checkManifest(t, archive)
  t.notOk(archive.entries.some(e => e.name === 'cspace/collectionobject.xml'))
  t.match(manifest.missing, [{ path: 'cspace/collectionobject.xml', reason: /retention/ }])
})

t.test('an image changed in RS after the push is shipped with both hashes in the manifest', async t => {
  const h = await startHarness(t)
  const id = await push(t, h, 1)
  const link = (await h.app.inject({ method: 'GET', url: `/api/v1/links/${id}`, headers: admin(h) })).json()
  // RS now serves other bytes for the same size (a re-uploaded or re-generated preview).
  const changed = 'JPEG re-generated in RS after the push'
  h.rs.faults.add({ match: { operation: 'download' }, kind: 'status', status: 200, contentType: 'image/jpeg', body: changed })
  for (const format of ['zip', 'tar.gz']) {
    const { archive } = await download(h, `/api/v1/links/${id}/package.${format}`)
    const manifest = checkManifest(t, archive)
    t.equal(manifest.derivative.status, 'changed', `${format}: said, not silent`)
    t.equal(manifest.derivative.pushed.sha256, link.sha256, 'the hash recorded at push time')
    t.equal(manifest.derivative.packaged?.sha256, sha256(changed), 'the hash of what RS serves now')
    t.equal(entry(archive, manifest.derivative.path ?? '').sha256, sha256(changed), 'and that is what the package holds')
    t.match(manifest.derivative.detail, /different bytes/)
  }
})

t.test('image=false leaves the derivative out and asks RS for no download', async t => {
  const h = await startHarness(t)
  const id = await push(t, h, 1)
  const downloads = h.rs.state().calls.download ?? 0
  const { archive } = await download(h, `/api/v1/links/${id}/package.zip?image=false`)
  const manifest = checkManifest(t, archive)
  t.notOk(archive.entries.some(e => e.name.endsWith('.jpg')), 'no image in the archive')
  t.equal(manifest.derivative.status, 'omitted')
  t.equal(manifest.derivative.pushed.sha256 !== null, true, 'the pushed hash is still reported')
  t.equal(h.rs.state().calls.download ?? 0, downloads, 'no download from RS')
})

t.test('a derivative RS no longer has is reported, not a failure', async t => {
  const h = await startHarness(t)
  const id = await push(t, h, 1)
  h.rs.store.resources.get(1)?.sizes.delete('scr')
  const { archive } = await download(h, `/api/v1/links/${id}/package.tar`)
  const manifest = checkManifest(t, archive)
  t.equal(manifest.derivative.status, 'unavailable')
  t.match(manifest.derivative.detail, /no longer has the 'scr' size/)
})

t.test('HEAD answers the download headers without a body or any upstream call', async t => {
  const h = await startHarness(t)
  const id = await push(t, h, 1)
  const before = h.rs.state().calls
  const head = await h.app.inject({ method: 'HEAD', url: `/api/v1/links/${id}/package.tar.gz`, headers: admin(h) })
  t.equal(head.statusCode, 200)
  t.equal(head.headers['content-type'], 'application/gzip')
  t.equal(head.headers['content-disposition'], 'attachment; filename="2019.12.3-rs1.tar.gz"')
  t.equal(head.rawPayload.length, 0)
  t.same(h.rs.state().calls, before, 'RS was not asked anything')
  const missing = await h.app.inject({ method: 'HEAD', url: '/api/v1/links/no-such-link/package.zip', headers: admin(h) })
  t.equal(missing.statusCode, 404)
})

t.test('unknown link 404, unknown format 406, no key 401: problem+json', async t => {
  const h = await startHarness(t)
  const id = await push(t, h, 1)
  const cases: Array<[string, Record<string, string>, number, string]> = [
    ['/api/v1/links/no-such-link/package.zip', admin(h), 404, 'LINK_NOT_FOUND'],
    [`/api/v1/links/${id}/package.rar`, admin(h), 406, 'UNKNOWN_FORMAT'],
    [`/api/v1/links/${id}/package.tar.bz2`, admin(h), 406, 'UNKNOWN_FORMAT'],
    ['/api/v1/links/package.7z?instance=art', admin(h), 406, 'UNKNOWN_FORMAT'],
    ['/api/v1/links/package.tar.gz?instance=nosuch', admin(h), 400, 'UNKNOWN_INSTANCE'],
    [`/api/v1/links/${id}/package.zip`, {}, 401, 'UNAUTHORIZED'],
    [`/api/v1/links/${id}/package.zip`, { 'x-api-key': h.keys.button }, 403, 'FORBIDDEN']
  ]
  for (const [url, headers, status, code] of cases) {
    const res = await h.app.inject({ method: 'GET', url, headers })
    t.equal(res.statusCode, status, `${url}: ${status}`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.equal(res.headers['content-disposition'], undefined, 'no attachment header on a problem')
    t.match(res.json(), { status, code })
  }
  const post = await h.app.inject({ method: 'POST', url: `/api/v1/links/${id}/package.zip`, headers: admin(h) })
  t.equal(post.statusCode, 405)
  t.equal(post.headers.allow, 'GET, HEAD')
})

t.test('non-ASCII accession numbers: a safe ASCII filename plus the RFC 6266 filename*', async t => {
  const h = await startHarness(t)
  h.cs.addObject({ tenant: 'art', csid: 'e0000001-0001-4000-8001', objectNumber: 'Ǆ/É 1990:7', title: 'Unicode number', makers: [], updatedAt: '2026-01-01T00:00:00.000Z' })
  h.rs.addResource({ ref: 60, resourceType: 1, accessionNumber: 'Ǆ/É 1990:7', originalFilename: 'unicode.tif', sizes: ['scr'] })
  const id = await push(t, h, 60)
  const { headers, archive } = await download(h, `/api/v1/links/${id}/package.zip`)
  t.equal(headers['content-disposition'], 'attachment; filename="DZ_E_1990_7-rs60.zip"; filename*=UTF-8\'\'%C7%84_%C3%89_1990_7-rs60.zip')
  t.equal(checkManifest(t, archive).link.objectNumber, 'Ǆ/É 1990:7', 'the manifest keeps the number as it is')
})

t.test('a client that disconnects mid-stream leaves no open request to RS', async t => {
  const logs: string[] = []
  const h = await startHarness(t, { logStream: { write: line => { logs.push(line) } }, configure: c => { c.server.logLevel = 'info' } })
  const id = await push(t, h, 1)
  // RS now serves a 64 MiB image: far more than every buffer between RS, spacelink and a client that stops reading.
  const size = 64 * 1024 * 1024
  h.rs.faults.add({ match: { operation: 'download' }, kind: 'status', status: 200, contentType: 'image/jpeg', body: 'x'.repeat(size) })
  // What RS sees: each download request, and whether its connection was closed. A finished download
  // leaves the connection open for reuse (keep-alive); only spacelink giving up on it closes it.
  const downloads: Array<{ closed: boolean }> = []
  h.rs.app.server.on('request', (req) => {
    if (req.url?.startsWith('/pages/download.php') !== true) return
    const seen = { closed: false }
    downloads.push(seen)
    req.socket.once('close', () => { seen.closed = true })
  })
  const open = (): number => downloads.filter(d => !d.closed).length
  await h.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = h.app.server.address() as AddressInfo

  let received = 0
  await new Promise<void>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: `/api/v1/links/${id}/package.zip`, headers: { 'x-api-key': h.keys.admin } }, res => {
      t.equal(res.statusCode, 200)
      res.on('data', (chunk: Buffer) => {
        received += chunk.length
        // Some of the archive arrived and RS is sending the image: the person closes the tab.
        if (received > 0 && open() === 1) {
          req.destroy()
          resolve()
        }
      })
      res.on('end', () => { reject(new Error('the whole archive arrived; the test needs a larger image')) })
    })
    req.on('error', () => {})
    req.end()
  })
  t.ok(received < size, 'the client got only part of the archive')
  // Both waits end as soon as spacelink reacts; were it to keep the download open, tap's timeout fails the test.
  while (!logs.some(l => l.includes('the client went away'))) await sleep(20)
  t.pass('the server log says the download stopped because the client went away')
  while (open() > 0) await sleep(20)
  t.equal(downloads.length, 1, 'one download from RS')
  t.equal(open(), 0, 'and spacelink closed its connection to RS: no upstream request left open')
})

t.test('whole-instance export: every finished link under one prefix, one top-level manifest, progress logged', async t => {
  const logs: string[] = []
  const h = await startHarness(t, { logStream: { write: line => { logs.push(line) } }, configure: c => { c.server.logLevel = 'info' } })
  const ids = [await push(t, h, 1, { metadataFirst: true }), await push(t, h, 2), await push(t, h, 5)]
  await push(t, h, 17) // film instance: not in the art export
  h.rs.store.resources.get(5)?.sizes.delete('scr')
  const { headers, archive } = await download(h, '/api/v1/links/package.tar.gz?instance=art')
  t.equal(headers['content-type'], 'application/gzip')
  t.match(headers['content-disposition'], /^attachment; filename="spacelink-art-\d{8}T\d{6}Z\.tar\.gz"$/)
  const prefix = archive.entries[0]?.name.split('/')[0] ?? ''
  t.match(prefix, /^spacelink-art-\d{8}T\d{6}Z$/)
  t.ok(archive.entries.every(e => e.name.startsWith(`${prefix}/`)), 'everything under one prefix')
  const last = archive.entries[archive.entries.length - 1]
  t.equal(last?.name, `${prefix}/manifest.json`, 'the top-level manifest is the last entry')
  const top = JSON.parse(last?.text ?? '{}') as {
    instance: string,
    counts: Record<string,
    number>,
    links: Array<{ id: string, path: string, manifest: ManifestFile, derivative: string }>
  }
  t.equal(top.instance, 'art')
  t.same(top.links.map(l => l.id).sort(), [...ids].sort(), 'exactly the art links')
  t.match(top.counts, { links: 3, packaged: 3, failed: 0, unchanged: 2, unavailable: 1 })
  for (const l of top.links) {
    const m = entry(archive, `${prefix}/${l.manifest.path}`)
    t.same(
      { size: m.size, sha256: m.sha256, md5: m.md5 },
      { size: l.manifest.size, sha256: l.manifest.sha256, md5: l.manifest.md5 },
      `${l.path}: its manifest's digest`
    )
    const manifest = checkManifest(t, archive, `${prefix}/${l.path}`)
    t.equal(manifest.link.id, l.id)
    t.equal(manifest.derivative.status, l.derivative)
  }
  t.ok(logs.some(l => l.includes('instance export started')), 'start logged')
  t.ok(logs.some(l => l.includes('instance export finished') && l.includes('"packaged":3')), 'summary logged')
})

t.test('whole-instance export: a link whose RS data cannot be read is listed as failed, the rest is exported', async t => {
  const h = await startHarness(t)
  await push(t, h, 1)
  await push(t, h, 2)
  h.rs.faults.add({ match: req => req.operation === 'get_resource_field_data', kind: 'status', status: 500, times: 3 })
  const { archive } = await download(h, '/api/v1/links/package.zip?instance=art')
  const last = archive.entries[archive.entries.length - 1]
  const top = JSON.parse(last?.text ?? '{}') as {
    counts: Record<string,
    number>,
    failed: Array<{ rsid: number, problem: string }>,
    links: Array<{ path: string }>
  }
  t.match(top.counts, { links: 2, packaged: 1, failed: 1 })
  t.match(top.failed, [{ problem: /ResourceSpace answered 500/ }])
  t.equal(archive.entries.filter(e => e.name.endsWith('/manifest.json')).length, 2, 'one link manifest and the top-level one')
  t.match(archive.comment, /^Created by spacelink \[http:\/\/spacelink\.test\/api\/v1\/links\/package\.zip\?instance=art\]$/)
})

t.test('blob-uri links (CS fetched the image itself) say no hash was recorded; PostgreSQL store', async t => {
  const h = await startHarness(t, { engine: 'postgres' })
  const id = await push(t, h, 17)
  const { archive } = await download(h, `/api/v1/links/${id}/package.zip`)
  const manifest = checkManifest(t, archive)
  t.equal(manifest.derivative.status, 'not-recorded')
  t.equal(manifest.derivative.pushed.sha256, null)
  t.ok(archive.entries.some(e => e.name === 'cspace/collectionobject.xml'), 'the record read by the push')
  t.equal(manifest.transactions.map(tx => tx.role).join(','), 'push')
})

t.test('RS or CS failing before the first byte is a problem+json answer, never a broken attachment', async t => {
  const h = await startHarness(t)
  const id = await push(t, h, 1)
  h.rs.faults.add({ match: { operation: 'get_resource_field_data' }, kind: 'status', status: 500, times: 3 })
  const rsDown = await h.app.inject({ method: 'GET', url: `/api/v1/links/${id}/package.zip`, headers: admin(h) })
  t.equal(rsDown.statusCode, 502)
  t.equal(rsDown.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(rsDown.headers['content-disposition'], undefined)
  t.equal(rsDown.json().code, 'UPSTREAM_ERROR')
  h.cs.faults.add({ match: { method: 'GET' }, kind: 'status', status: 503, times: 3 })
  const csDown = await h.app.inject({ method: 'GET', url: `/api/v1/links/${id}/package.tar`, headers: admin(h) })
  t.equal(csDown.statusCode, 502)
  t.equal(csDown.headers['content-disposition'], undefined)
  // The database failing as the instance export starts (inside the stream, before its first byte).
  const links = h.app.spacelink.store.links
  const countDone = links.countDone
  links.countDone = async () => { throw new Error('database gone') }
  t.teardown(() => { links.countDone = countDone })
  const dbDown = await h.app.inject({ method: 'GET', url: '/api/v1/links/package.tar?instance=art', headers: admin(h) })
  links.countDone = countDone
  t.equal(dbDown.statusCode, 500, 'the instance export fails before its first byte: still a problem answer')
  t.equal(dbDown.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(dbDown.headers['content-disposition'], undefined)
})

t.test('a link whose push has not finished is 409, not a half package', async t => {
  const h = await startHarness(t)
  h.cs.faults.add({ match: { operation: 'POST /relations' }, kind: 'status', status: 500 })
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=push-resource', headers: admin(h) })
  t.not(res.statusCode, 201, 'the push did not finish')
  const [link] = await h.app.spacelink.store.links.findByRsid(1)
  t.equal(link?.step, 'media-created')
  const pkg = await h.app.inject({ method: 'GET', url: `/api/v1/links/${link?.id ?? ''}/package.zip`, headers: admin(h) })
  t.equal(pkg.statusCode, 409)
  t.match(pkg.json(), { code: 'LINK_NOT_DONE', step: 'media-created' })
})
