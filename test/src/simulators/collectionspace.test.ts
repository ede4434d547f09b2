import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import t from 'tap'
import { request } from 'undici'
import { CollectionSpaceClient } from '../../../src/clients/collectionspace.js'
import { encodeQueryComponent as encodeQueryValue } from '../../../src/util/url.js'
import { createDispatcher } from '../../../src/clients/http.js'
import { childText, children, parseXml, rootElement } from '../../../src/cspace/xml.js'
import { valuesAt } from '../../../src/cspace/record-path.js'
import { UpstreamError } from '../../../src/errors.js'
import { sampleObjects, samplePeople } from '../../../src/simulators/sample-museum.js'
import { startCollectionSpaceSimulator, type CsSimulator } from '../../../src/simulators/collectionspace/index.js'
import { SimHttpError } from '../../../src/simulators/collectionspace/http-error.js'
import { parseNxql } from '../../../src/simulators/collectionspace/search.js'

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/collectionspace/${name}`, import.meta.url), 'utf8')
const art = { user: 'art@spacelink.demo', password: 'demo' }
const film = { user: 'film@spacelink.demo', password: 'demo' }
const authOf = (account: { user: string, password: string }): string => `Basic ${Buffer.from(`${account.user}:${account.password}`).toString('base64')}`
const fast = { retries: 2, baseDelayMs: 1, maxDelayMs: 2 }

interface Setup {
  sim: CsSimulator,
  cs: CollectionSpaceClient,
  client: (account: { user: string, password: string }, opts?: { timeoutMs?: number, retries?: number }) => CollectionSpaceClient
}

async function setup (t: { teardown: (fn: () => unknown) => void }, opts: Parameters<typeof startCollectionSpaceSimulator>[0] = {}): Promise<Setup> {
  const sim = await startCollectionSpaceSimulator(opts)
  const dispatchers: Array<ReturnType<typeof createDispatcher>> = []
  t.teardown(async () => {
    await Promise.all(dispatchers.map(async (d) => { await d.destroy() }))
    await sim.close()
  })
  const client = (account: { user: string, password: string }, o: { timeoutMs?: number, retries?: number } = {}): CollectionSpaceClient => {
    const dispatcher = createDispatcher({ timeoutMs: o.timeoutMs ?? 5_000 })
    dispatchers.push(dispatcher)
    return new CollectionSpaceClient({ servicesUrl: sim.servicesUrl, ...account, dispatcher, retry: { ...fast, retries: o.retries ?? fast.retries } })
  }
  return { sim, cs: client(art), client }
}

/** A raw request to the simulator (for what the client would never send). */
async function raw (
  sim: CsSimulator,
  path: string,
  opts: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE', body?: string, headers?: Record<string, string>, auth?: boolean } = {}
): Promise<{ status: number, type: string, text: string, headers: Record<string, unknown> }> {
  const headers: Record<string, string> = { ...(opts.auth === false ? {} : { authorization: authOf(art) }), ...opts.headers }
  const res = await request(new URL(path, sim.servicesUrl), { method: opts.method ?? 'GET', headers, body: opts.body })
  return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), text: await res.body.text(), headers: res.headers }
}

async function failure (promise: Promise<unknown>): Promise<UpstreamError> {
  const err = await promise.then(() => undefined, (e: unknown) => e)
  if (!(err instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(err)}`)
  return err
}

t.test('finding objects by number', async (t) => {
  const { sim, cs } = await setup(t)

  t.test('a soft-deleted duplicate is not returned (but exists)', async (t) => {
    t.same((await cs.findObjectsByNumber('1990.12.3')).map((o) => o.csid), ['c0ffee00-0001-4000-8001'])
    const all = await raw(sim, `collectionobjects?as=${encodeQueryValue("collectionobjects_common:objectNumber = '1990.12.3'")}`)
    t.match(all.text, /dead0000-0001-4000-8001/, 'without wf_deleted the deleted record is listed, as CS does')
    t.match(all.text, /<workflowState>deleted<\/workflowState>/)
  })

  t.test('an ambiguous number returns both records', async (t) => {
    t.same((await cs.findObjectsByNumber('2001.5.1')).map((o) => o.csid).sort(), ['a0000001-0001-4000-8001', 'a0000002-0001-4000-8001'])
  })

  t.test('2024.1.2 and 2024.1.2.5 are different numbers', async (t) => {
    t.same((await cs.findObjectsByNumber('2024.1.2')).map((o) => o.csid), ['b0000001-0001-4000-8001'])
    t.same((await cs.findObjectsByNumber('2024.1.2.5')).map((o) => o.csid), ['b0000002-0001-4000-8001'])
    t.same(await cs.findObjectsByNumber('2024.1'), [])
  })

  t.test('an apostrophe number is found exactly; unescaped it is a syntax error', async (t) => {
    t.same(
      await cs.findObjectsByNumber("1985.4'b"),
      [{
        csid: 'e0000001-0001-4000-8001',
        objectNumber: "1985.4'b",
        uri: '/collectionobjects/e0000001-0001-4000-8001',
        updatedAt: '2026-01-15T10:00:00.000Z',
        workflowState: 'project',
        title: 'Fragment b'
      }]
    )
    const naive = await raw(sim, `collectionobjects?wf_deleted=false&as=${encodeQueryValue("collectionobjects_common:objectNumber = '1985.4'b'")}`)
    t.equal(naive.status, 400)
    t.match(naive.type, /text\/plain/)
    t.match(naive.text, /NXQL/)
  })

  t.test('backslashes, line breaks and wildcard characters round-trip exactly', async (t) => {
    const tricky = ['A\\B', 'line1\nline2', '50% *', '50%', '<&>"x"']
    for (const [i, objectNumber] of tricky.entries()) {
      sim.addObject({ tenant: 'art', csid: `7e570000-000${i}-4000-8001`, objectNumber, title: 'tricky', makers: [], updatedAt: '2026-01-15T10:00:00.000Z' })
    }
    for (const [i, objectNumber] of tricky.entries()) {
      t.same((await cs.findObjectsByNumber(objectNumber)).map((o) => o.csid), [`7e570000-000${i}-4000-8001`], JSON.stringify(objectNumber))
    }
    const rawNewline = await raw(sim, `collectionobjects?as=${encodeQueryValue("collectionobjects_common:objectNumber = 'line1\nline2'")}`)
    t.equal(rawNewline.status, 400, 'a raw line break inside an NXQL literal is a lexical error')
  })

  t.test('tenants are isolated', async (t) => {
    t.same(await cs.findObjectsByNumber('F-1972-03'), [], 'art cannot see film objects')
    const filmClient = (await setupClient(sim, film))
    t.same((await filmClient.findObjectsByNumber('F-1972-03')).map((o) => o.csid), ['f1100000-0001-4000-8001'])
    t.same(await filmClient.findObjectsByNumber('2019.12.3'), [])
  })
})

/** A client for an already running simulator (closed with the test). */
async function setupClient (sim: CsSimulator, account: { user: string, password: string }): Promise<CollectionSpaceClient> {
  const dispatcher = createDispatcher({ timeoutMs: 5_000 })
  t.teardown(async () => { await dispatcher.destroy() })
  return new CollectionSpaceClient({ servicesUrl: sim.servicesUrl, ...account, dispatcher, retry: fast })
}

t.test('reading records', async (t) => {
  const { sim, cs } = await setup(t)

  t.test('a full document like the real server renders', async (t) => {
    const record = await cs.getObject('1a2b3c4d-0001-4000-8001')
    t.match(record, { csid: '1a2b3c4d-0001-4000-8001', objectNumber: '2020.1.1', workflowState: 'project', updatedAt: '2026-01-15T10:00:00.000Z' })
    t.same(valuesAt(record.doc, 'collectionobjects_common/titleGroupList/titleGroup/title'), ['Portrait of a Collaboration'])
    t.same(
      valuesAt(record.doc, 'collectionobjects_common/objectProductionPersonGroupList/objectProductionPersonGroup/objectProductionPerson'),
      ["Georgia O'Keeffe", 'Alfred Stieglitz'],
      'two makers, in order, apostrophe intact'
    )
    t.same(valuesAt(record.doc, 'collectionobjects_common/objectProductionDateGroupList/objectProductionDateGroup/dateDisplayDate'), ['circa 1920'])
    t.same(valuesAt(record.doc, 'collectionspace_core/uri'), ['/collectionobjects/1a2b3c4d-0001-4000-8001'])
    t.match(valuesAt(record.doc, 'collectionspace_core/refName')[0], '2020.1.1', 'refName display part = objectNumber')
    t.match(record.xml, /<objectNameList\/>/, 'unset fields appear as empty elements')
    t.match(record.xml, /^<\?xml/)
    const charlie = await cs.getObject('b0000001-0001-4000-8001')
    t.same(
      valuesAt(charlie.doc, 'collectionobjects_common/objectProductionPersonGroupList/objectProductionPersonGroup/objectProductionPerson'),
      ['Charles "Red" Grooms']
    )
    t.equal(samplePeople.grooms.endsWith("'Charles \"Red\" Grooms'"), true)
  })

  t.test('unknown csid → 404; deleted record → 404 only with wf_deleted=false', async (t) => {
    t.match(await failure(cs.getObject('00000000-0000-0000-0000')), { code: 'RECORD_NOT_FOUND', upstreamStatus: 404 })
    t.equal((await cs.getObject('dead0000-0001-4000-8001')).workflowState, 'deleted')
    const hidden = await raw(sim, 'collectionobjects/dead0000-0001-4000-8001?wf_deleted=false')
    t.equal(hidden.status, 404)
    t.match(hidden.type, /text\/plain/)
  })

  t.test('401 is an HTML page with WWW-Authenticate; the client calls it an auth error', async (t) => {
    const page = await raw(sim, 'collectionobjects', { headers: { authorization: authOf({ user: art.user, password: 'wrong' }) } })
    t.equal(page.status, 401)
    t.match(page.type, /text\/html/)
    t.match(page.text, /HTTP Status 401/)
    t.equal(page.headers['www-authenticate'], 'Basic realm="Realm"')
    t.equal((await raw(sim, 'collectionobjects', { auth: false })).status, 401)
    const bad = await setupClient(sim, { user: 'nobody@spacelink.demo', password: 'demo' })
    const err = await failure(bad.findObjectsByNumber('2019.12.3'))
    t.match(err, { code: 'UPSTREAM_AUTH', upstreamStatus: 401, retryable: false })
    t.notMatch(err.message, /html/i)
    t.match(await bad.systemInfo(), { version: '8.0.0' }, 'systeminfo needs no credentials')
  })

  t.test('lists: paging, sortBy, validation', async (t) => {
    const page = await raw(sim, `collectionobjects?wf_deleted=false&pgSz=5&pgNum=1&sortBy=${encodeQueryValue('collectionobjects_common:objectNumber DESC')}`)
    const root = rootElement(parseXml(page.text), 'abstract-common-list')
    t.equal(childText(root, 'pageSize'), '5')
    t.equal(childText(root, 'itemsInPage'), '5')
    t.equal(childText(root, 'totalItems'), String(sampleObjects.filter((o) => o.tenant === 'art' && o.deleted !== true).length))
    const numbers = children(root, 'list-item').map((item) => childText(item, 'objectNumber') ?? '')
    t.same(numbers, [...numbers].sort().reverse())
    t.notMatch(page.text, /<responsibleDepartment\/>|<objectName\/>/, 'empty fields are left out of list items')
    t.equal((await raw(sim, `collectionobjects?sortBy=${encodeQueryValue('objectNumber; DROP')}`)).status, 400)
    t.equal((await raw(sim, 'collectionobjects?pgSz=-1')).status, 400)
    const all = rootElement(parseXml((await raw(sim, 'collectionobjects?pgSz=0')).text), 'abstract-common-list')
    t.equal(childText(all, 'pageSize'), '2500', 'pgSz=0 means the maximum')
  })

  t.test('objectsUpdatedSince pages through changes, oldest first', async (t) => {
    const { sim, client } = await setup(t)
    const paged = new CollectionSpaceClient({
      servicesUrl: sim.servicesUrl,
      ...art,
      dispatcher: createDispatcher({ timeoutMs: 5_000 }),
      pageSize: 10,
      retry: fast
    })
    const pages = []
    for await (const page of paged.objectsUpdatedSince('2026-01-15T10:00:00.000Z')) pages.push(page)
    t.equal(pages.length, 4)
    t.equal(pages.flat().length, 38)
    t.same(await firstPage(paged.objectsUpdatedSince('2026-01-15T10:00:00.001Z')), [], 'nothing changed after the seed')
    const csid = await postObject(sim, 'NEW.1')
    const after = await firstPage(client(art).objectsUpdatedSince('2026-01-15T10:00:00.001Z'))
    t.same(after.map((o) => o.csid), [csid])
  })
})

async function firstPage<T> (pages: AsyncGenerator<T[]>): Promise<T[]> {
  const first = await pages.next()
  await pages.return(undefined)
  return first.done === true ? [] : first.value
}

async function postObject (sim: CsSimulator, objectNumber: string): Promise<string> {
  const res = await raw(
    sim,
    'collectionobjects',
    { method: 'POST', headers: { 'content-type': 'application/xml' }, body: fixture('collectionobject-create-minimal.xml').replace('6.0221415', objectNumber) }
  )
  return String(res.headers.location).split('/').pop() ?? ''
}

t.test('timestamps: only the double-quoted TIMESTAMP form is UTC', async (t) => {
  const { sim } = await setup(t)
  const count = async (as: string): Promise<number> => Number(childText(
    rootElement(parseXml((await raw(sim, `collectionobjects?as=${encodeQueryValue(as)}`)).text), 'abstract-common-list'),
    'totalItems'
  ))
  const total = await count('collectionspace_core:updatedAt >= TIMESTAMP "2026-01-15T10:00:00.000Z"')
  t.ok(total > 30)
  t.equal(
    await count("collectionspace_core:updatedAt >= TIMESTAMP '2026-01-15T10:00:00.000Z'"),
    0,
    'single quotes: read as server-local time (UTC-8), eight hours later'
  )
  t.equal(await count("collectionspace_core:updatedAt >= TIMESTAMP '2026-01-15T02:00:00.000'"), total, 'which is the same instant written in local time')
})

t.test('creating records', async (t) => {
  const { sim, cs } = await setup(t)

  t.test('POST answers 201, an empty body and an absolute Location with a truncated csid', async (t) => {
    const res = await raw(
      sim,
      'collectionobjects',
      { method: 'POST', headers: { 'content-type': 'application/xml' }, body: fixture('collectionobject-create-minimal.xml') }
    )
    t.equal(res.status, 201)
    t.equal(res.text, '')
    const location = String(res.headers.location)
    t.match(location, new RegExp(`^${sim.servicesUrl}collectionobjects/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$`))
    t.same((await cs.findObjectsByNumber('6.0221415')).map((o) => o.csid), [location.split('/').pop()])
    t.match(sim.state('art').writes.at(-1), { tenant: 'art', action: 'create', service: 'collectionobjects' })
  })

  t.test('bad payloads are 400 text/plain', async (t) => {
    const post = async (body: string): Promise<{ status: number, type: string, text: string }> => await raw(
      sim,
      'collectionobjects',
      { method: 'POST', headers: { 'content-type': 'application/xml' }, body }
    )
    const notDocument = await post('<collectionobjects><objectNumber>1</objectNumber></collectionobjects>')
    t.match(notDocument, { status: 400, type: /text\/plain/ })
    t.match(await post('<document name="collectionobjects"></document>'), { status: 400, text: /No payload found for 'CREATE' action/ })
    t.match(await post('<document><ns2:collectionobjects_common xmlns:ns2="x"><objectNumber>1</objectNumber>'), { status: 400 }, 'malformed XML')
    t.match(
      await post('<document><ns2:collectionobjects_common xmlns:ns2="x"><objectNumber></objectNumber></ns2:collectionobjects_common></document>'),
      { status: 400, text: /objectNumber/ }
    )
    t.equal((await raw(sim, 'collectionobjects', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 415)
  })

  t.test('blob bytes are stored exactly (hash and length) and served back', async (t) => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5 * 1024 * 1024 + 3, 7)])
    const parts = [bytes.subarray(0, 100_000), bytes.subarray(100_000, 3_000_000), bytes.subarray(3_000_000)]
    const csid = await cs.createBlob(
      Readable.from(parts),
      { filename: "O'Keeffe \"Red Hills\".jpg", contentType: 'application/octet-stream', length: bytes.length }
    )
    const stored = sim.state('art').blobs.find((b) => b.csid === csid)
    t.match(
      stored,
      { length: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), name: "O'Keeffe \"Red Hills\".jpg", mimeType: 'image/jpeg' },
      'type detected from the bytes'
    )
    t.match(await cs.getBlob(csid), { name: "O'Keeffe \"Red Hills\".jpg", length: bytes.length, mimeType: 'image/jpeg' })
    const content = await request(new URL(`blobs/${csid}/content`, sim.servicesUrl), { headers: { authorization: authOf(art) } })
    t.equal(createHash('sha256').update(Buffer.from(await content.body.arrayBuffer())).digest('hex'), stored?.sha256)
    await cs.renameBlob(csid, '2019.12.3_1.jpg')
    t.equal((await cs.getBlob(csid)).name, '2019.12.3_1.jpg')
    t.same((await cs.findBlobs({ name: '2019.12.3_1.jpg' })).map((b) => [b.csid, b.length]), [[csid, bytes.length]])
    const noFile = await raw(
      sim,
      'blobs',
      {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
        body: '--xyz\r\nContent-Disposition: form-data; name="other"\r\n\r\nx\r\n--xyz--\r\n'
      }
    )
    t.equal(noFile.status, 400, 'no "file" part, no blob')
  })

  t.test('media, relations both ways, related media, soft delete cascades', async (t) => {
    const objectCsid = '87674c8f-296d-4682-a795'
    const blobCsid = await cs.createBlob(Readable.from([Buffer.from('GIF89a...')]), { filename: 'a.gif', contentType: 'image/gif' })
    const mediaCsid = await cs.createMedia({
      'media_common/identificationNumber': 'RS-1-scr',
      'media_common/title': '2019.12.3 (scr)',
      'media_bampfa/websiteDisplayLevel': 'No public display',
      blobCsid
    })
    t.match(await cs.getMedia(mediaCsid), { identificationNumber: 'RS-1-scr', blobCsid, title: '2019.12.3 (scr)' })
    t.match(sim.state('art').media.find((m) => m.csid === mediaCsid)?.fields, { 'media_bampfa/websiteDisplayLevel': 'No public display' })
    // The client sends lowercase service names, as the original did; the server stores the real types.
    await cs.createRelation({ subjectCsid: objectCsid, subjectDocumentType: 'collectionobjects', objectCsid: mediaCsid, objectDocumentType: 'media' })
    await cs.createRelation({ subjectCsid: mediaCsid, subjectDocumentType: 'Media', objectCsid, objectDocumentType: 'CollectionObject' })
    t.same(
      await cs.listRelations({ sbj: objectCsid, obj: mediaCsid, prd: 'affects' }).then((r) => r.map((x) => [x.subjectDocumentType, x.objectDocumentType])),
      [['CollectionObject', 'Media']]
    )
    t.equal((await cs.listRelations({ sbj: mediaCsid, prd: 'affects' })).length, 1)
    t.equal((await cs.listRelations({ sbj: objectCsid, prd: 'hasBroader' })).length, 0)
    t.same((await cs.mediaRelatedTo(objectCsid)).map((m) => m.identificationNumber), ['RS-1-scr'])
    t.same((await cs.findMedia({ identificationNumber: 'RS-1-scr' })).map((m) => m.csid), [mediaCsid])
    t.match(
      await failure(cs.createRelation({
        subjectCsid: objectCsid,
        subjectDocumentType: 'CollectionObject',
        objectCsid: '00000000-dead-0000-0000',
        objectDocumentType: 'Media'
      })),
      { upstreamStatus: 400 }
    )
    const deleted = await raw(sim, `media/${mediaCsid}/workflow/delete`, { method: 'PUT' })
    t.equal(deleted.status, 200)
    t.same(await cs.listRelations({ sbj: objectCsid }), [], 'relations of a soft-deleted record are soft-deleted too')
    t.same(await cs.findMedia({ identificationNumber: 'RS-1-scr' }), [])
    t.same(await cs.mediaRelatedTo(objectCsid), [])
  })

  t.test('blobUri: the server downloads the file itself and names the blob from the download', async (t) => {
    const image = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(1000, 1)])
    const rs = createServer((req, res) => {
      if (req.url?.startsWith('/download.php?ok') === true) {
        res.writeHead(
          200,
          { 'content-type': 'image/png', 'content-disposition': 'attachment; filename="1_scr.png"' }
        ).end(image)
      } else if (req.url?.startsWith('/plain/') === true) res.writeHead(200, { 'content-type': 'image/png' }).end(image)
      else res.writeHead(404).end('no')
    })
    await new Promise<void>((resolve) => rs.listen(0, '127.0.0.1', resolve))
    t.teardown(() => { rs.close() })
    const origin = `http://127.0.0.1:${(rs.address() as AddressInfo).port}`
    const mediaCsid = await cs.createMedia({ 'media_common/identificationNumber': 'RS-2-scr' }, { blobUri: `${origin}/download.php?ok&k=secret` })
    const media = await cs.getMedia(mediaCsid)
    t.match(
      await cs.getBlob(media.blobCsid ?? ''),
      { name: '"1_scr.png"', length: image.length, mimeType: 'image/png' },
      'the raw Content-Disposition text, quotes kept'
    )
    const plain = await cs.getMedia(await cs.createMedia({ 'media_common/title': 'plain' }, { blobUri: `${origin}/plain/shot.png?x=1` }))
    t.equal((await cs.getBlob(plain.blobCsid ?? '')).name, 'shot.png', 'else the last path segment')
    const before = sim.state('art')
    const err = await failure(cs.createMedia({ 'media_common/identificationNumber': 'RS-3-scr' }, { blobUri: `${origin}/missing.jpg` }))
    t.match(err, { upstreamStatus: 400 })
    t.match(err.message, /Could not download file/)
    const after = sim.state('art')
    t.equal(after.media.length, before.media.length, 'no media record after a failed download')
    t.equal(after.blobs.length, before.blobs.length)
  })
})

t.test('fault injection', async (t) => {
  t.test('fail-after-write: the record is created but the client sees a connection error', async (t) => {
    const { sim, cs } = await setup(t)
    sim.faults.add({ match: { operation: 'POST /media' }, kind: 'fail-after-write', times: 1 })
    const err = await failure(cs.createMedia({ 'media_common/identificationNumber': 'RS-9-scr' }))
    t.match(err, { code: 'UPSTREAM_UNREACHABLE' })
    t.equal(sim.state('art').calls['POST /media'], 1, 'not retried')
    t.same(sim.state('art').media.map((m) => m.identificationNumber), ['RS-9-scr'], 'the write happened')
    t.equal((await cs.findMedia({ identificationNumber: 'RS-9-scr' })).length, 1, 'a later run can adopt it')
  })

  t.test('a 500 on a read is retried, on a create it is not', async (t) => {
    const { sim, cs } = await setup(t)
    sim.faults.add({ match: { operation: 'GET /collectionobjects' }, kind: 'status', status: 500, body: 'boom', times: 1 })
    t.equal((await cs.findObjectsByNumber('2019.12.3')).length, 1)
    t.equal(sim.state().calls['GET /collectionobjects'], 2)
    sim.faults.add({ match: { operation: 'POST /relations' }, kind: 'status', status: 500, body: 'Create failed detail: boom' })
    t.match(
      await failure(cs.createRelation({
        subjectCsid: '87674c8f-296d-4682-a795',
        subjectDocumentType: 'CollectionObject',
        objectCsid: '1a2b3c4d-0001-4000-8001',
        objectDocumentType: 'CollectionObject'
      })),
      { upstreamStatus: 500 }
    )
    t.equal(sim.state().calls['POST /relations'], 1)
    t.equal(sim.state().relations.length, 0)
    sim.faults.clear()
  })

  t.test('a hung answer times out; reset connections are unreachable', async (t) => {
    const { sim, client } = await setup(t)
    const impatient = client(art, { timeoutMs: 300, retries: 0 })
    sim.faults.add({ match: { operation: 'GET /collectionobjects/{csid}' }, kind: 'hang', times: 1 })
    t.match(await failure(impatient.getObject('87674c8f-296d-4682-a795')), { code: 'UPSTREAM_TIMEOUT' })
    sim.faults.add({ match: { operation: 'POST /blobs' }, kind: 'reset', times: 1 })
    t.match(
      await failure(impatient.createBlob(Readable.from([Buffer.from('x')]), { filename: 'x.jpg', contentType: 'image/jpeg' })),
      { code: 'UPSTREAM_UNREACHABLE' }
    )
    t.equal(sim.state().blobs.length, 0)
    t.equal((await impatient.getObject('87674c8f-296d-4682-a795')).objectNumber, '2019.12.3', 'faults were one-off')
  })

  t.test('latency is added to every answer', async (t) => {
    const { cs } = await setup(t, { latencyMs: 120, seed: false })
    const started = performance.now()
    t.same(await cs.findObjectsByNumber('2019.12.3'), [], 'not seeded')
    t.ok(performance.now() - started >= 100)
  })
})

t.test('state endpoint and custom tenants', async (t) => {
  const { sim, client } = await setup(t, { tenants: { lab: { user: 'lab', password: 's3cret' } } })
  const state = await raw(sim, '../__sim/state', { auth: false })
  t.equal(state.status, 200)
  t.match(JSON.parse(state.text), { objects: [], media: [], blobs: [], relations: [] }, 'sample objects only seed tenants that exist')
  sim.addObject({ ...(sampleObjects[0] as (typeof sampleObjects)[number]), tenant: 'lab' as 'art' })
  t.equal((await client({ user: 'lab', password: 's3cret' }).findObjectsByNumber('2019.12.3')).length, 1)
  t.equal((await raw(sim, '../__sim/state?tenant=nope', { auth: false })).status, 404)
  t.same(sim.state().writes, [], 'seeding is not a write')
})

t.test('NXQL subset', async (t) => {
  const ok = [
    "collectionobjects_common:objectNumber = 'x'",
    '(collectionobjects_common:objectNumber = "x")',
    "a:b = 'x' AND (c:d ILIKE '%y%' OR NOT e:f IN ('1', '2'))",
    'a:b IS NOT NULL AND c:d BETWEEN 1 AND 2 AND e:f NOT LIKE \'a\\%\'',
    'collectionspace_core:updatedAt >= TIMESTAMP "2025-01-21T16:21:26.968Z"',
    'collectionobjects_common:titleGroupList/*/title = \'x\''
  ]
  for (const expr of ok) t.doesNotThrow(() => parseNxql(expr), expr)
  const bad = ["a:b = 'x", "a:b = 'x' 'y'", 'a:b', "objectNumber = 'x'", "a:b = 'x' AND", "a:b ~ 'x'", "a:b = 'line\nbreak'"]
  for (const expr of bad) {
    const err = (() => { try { parseNxql(expr) } catch (e) { return e } })()
    t.ok(err instanceof SimHttpError && err.statusCode === 400, `400 for ${JSON.stringify(expr)}`)
  }
})
