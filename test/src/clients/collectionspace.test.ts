import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import t from 'tap'
import { MockAgent, errors, type Interceptable } from 'undici'
import { CollectionSpaceClient } from '../../../src/clients/collectionspace.js'
import { encodeQueryComponent as encodeQueryValue } from '../../../src/util/url.js'
import { createDispatcher } from '../../../src/clients/http.js'
import { buildDocument, childText, children, parseXml, rootElement, XmlSyntaxError } from '../../../src/cspace/xml.js'
import { UpstreamError } from '../../../src/errors.js'
import { readMultipart } from '../../../src/simulators/collectionspace/multipart.js'

const origin = 'https://cs.example-museum.org'
const base = '/cspace-services'
const user = 'spacelink@art.example-museum.org'
const password = 'pa:ss wörd'
const basicAuth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/collectionspace/${name}`, import.meta.url), 'utf8')
const html401 = '<!doctype html><html><head><title>HTTP Status 401 – Unauthorized</title></head><body><h1>HTTP Status 401 – Unauthorized</h1></body></html>'

interface SeenRequest { method: string, path: string, headers: Record<string, string>, body: string }
interface Teardown { teardown: (fn: () => unknown) => void }
/** What a MockAgent reply callback receives and returns (the raw dispatched path among it). */
type ReplyCallback = (req: { path: string, method: string, headers?: unknown, body?: unknown }) => {
  statusCode: number,
  data: string,
  responseOptions: { headers: Record<string, string> }
}

/** A client on a MockAgent that records every request exactly as it was dispatched. */
function setup (t: Teardown, opts: { pageSize?: number } = {}): {
  cs: CollectionSpaceClient,
  pool: Interceptable,
  seen: SeenRequest[],
  reply: (statusCode: number, data: string, headers?: Record<string, string>) => ReplyCallback
} {
  const agent = new MockAgent()
  agent.disableNetConnect()
  t.teardown(async () => { await agent.close() })
  const seen: SeenRequest[] = []
  const cs = new CollectionSpaceClient({
    servicesUrl: `${origin}${base}`,
    user,
    password,
    dispatcher: agent,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    ...(opts.pageSize === undefined ? {} : { pageSize: opts.pageSize })
  })
  /** A reply callback that records the raw request (path as sent, before any normalisation). */
  function reply (statusCode: number, data: string, headers: Record<string, string> = {}): ReplyCallback {
    return (req) => {
      seen.push({ method: req.method, path: req.path, headers: (req.headers ?? {}) as Record<string, string>, body: typeof req.body === 'string' ? req.body : '' })
      return { statusCode, data, responseOptions: { headers } }
    }
  }
  return { cs, pool: agent.get(origin), seen, reply }
}

const xml = { 'content-type': 'application/xml' }
const any = (): boolean => true

/** An abstract-common-list with the given items (`fields` per item, written in order). */
function list (items: Array<Record<string, string>>, opts: { total?: number, pageNum?: number, pageSize?: number } = {}): string {
  const itemXml = items.map((item) => `<list-item>${Object.entries(item).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</list-item>`).join('')
  return `<?xml version="1.0"?><ns2:abstract-common-list xmlns:ns2="http://collectionspace.org/services/jaxb"><pageNum>${opts.pageNum ?? 0}</pageNum><pageSize>${opts.pageSize ?? 100}</pageSize><itemsInPage>${items.length}</itemsInPage><totalItems>${opts.total ?? items.length}</totalItems><fieldsReturned>csid|uri|refName|updatedAt|workflowState|objectNumber</fieldsReturned>${itemXml}</ns2:abstract-common-list>`
}

/** The decoded `as` value of a recorded path. */
const asOf = (path: string): string | null => new URL(path, origin).searchParams.get('as')

/** The typed upstream error a call failed with (anything else fails the test). */
async function caught (promise: Promise<unknown>): Promise<UpstreamError> {
  const err = await promise.then(() => undefined, (e: unknown) => e)
  if (!(err instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(err)}`)
  return err
}

t.test('xml parser', async (t) => {
  t.test('keeps numbers as text and single list items as arrays', async (t) => {
    const doc = parseXml('<document name="collectionobjects"><ns2:collectionobjects_common xmlns:ns2="x"><objectNumber>00123</objectNumber><numberOfObjects>1e5</numberOfObjects><titleGroupList><titleGroup><title>One</title></titleGroup></titleGroupList></ns2:collectionobjects_common></document>')
    const common = rootElement(doc, 'document')?.collectionobjects_common
    t.same(children(common, 'objectNumber'), ['00123'], '00123 stays a string')
    t.equal(childText(common, 'numberOfObjects'), '1e5')
    const groups = children(children(common, 'titleGroupList')[0], 'titleGroup')
    t.ok(Array.isArray((children(common, 'titleGroupList')[0] as Record<string, unknown>).titleGroup), 'a single group is an array')
    t.equal(groups.length, 1)
    const one = parseXml(fixture('collectionobject-search-real.xml'))
    const items = rootElement(one, 'abstract-common-list')?.['list-item']
    t.ok(Array.isArray(items), 'a single list-item is an array')
    t.equal(rootElement(one, 'abstract-common-list')?.totalItems, '1', 'list header fields are plain text')
  })

  t.test('drops namespace prefixes and refuses what is not XML', async (t) => {
    const rel = parseXml(fixture('relations-list-real.xml'))
    t.ok(rootElement(rel, 'relations-common-list'), 'rel: prefix removed from the root')
    t.throws(() => parseXml('<document><a></document>'), XmlSyntaxError)
    t.throws(() => parseXml('<html><body>line<br>break</body></html>'), XmlSyntaxError, 'HTML with void elements is not XML')
    t.throws(() => parseXml('not xml'), XmlSyntaxError)
    t.equal(rootElement(parseXml('<Document/>'), 'document') !== undefined, true, 'root name compared ignoring case')
  })

  t.test('builds documents with escaped values and nested groups', async (t) => {
    const text = buildDocument('media', {
      media_common: {
        namespace: 'http://collectionspace.org/services/media',
        fields: {
          title: 'a <b> & "c" \'d\'\u0001',
          dateGroupList: { dateGroup: [{ dateDisplayDate: '1941' }, { dateDisplayDate: 1942 }] },
          empty: null,
          skipped: undefined
        }
      }
    })
    t.notMatch(text, '<b>', 'markup in values is escaped')
    t.notOk(text.includes('\u0001'), 'control characters XML cannot carry are dropped')
    const common = rootElement(parseXml(text), 'document')?.media_common
    t.equal(childText(common, 'title'), 'a <b> & "c" \'d\'')
    t.same(children(children(children(common, 'dateGroupList')[0], 'dateGroup')[1], 'dateDisplayDate'), ['1942'])
    t.equal(childText(common, 'empty'), '')
    t.same(children(common, 'skipped'), [])
    t.throws(() => buildDocument('media', { media_common: { namespace: 'x', fields: { 'a><b': 'x' } } }), TypeError, 'field names are checked, not pasted')
  })
})

t.test('findObjectsByNumber', async (t) => {
  t.test('sends an escaped exact-match query with basic auth and reads the real search answer', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    pool.intercept({ path: any, method: 'GET' }).reply(reply(200, fixture('collectionobject-search-real.xml'), xml))
    const found = await cs.findObjectsByNumber('  CLIENT.002 ')
    t.same(
      found,
      [{ csid: '87674c8f-296d-4682-a795', objectNumber: 'CLIENT.002', uri: '/collectionobjects/87674c8f-296d-4682-a795', updatedAt: '2025-01-21T16:21:26.968Z', workflowState: 'project' }]
    )
    t.equal(seen.length, 1)
    t.equal(
      seen[0]?.path,
      `${base}/collectionobjects?as=collectionobjects_common%3AobjectNumber%20%3D%20%27CLIENT.002%27&wf_deleted=false&sortBy=collectionspace_core%3AupdatedAt%20DESC&pgSz=100&pgNum=0`
    )
    t.equal(seen[0]?.headers.authorization, basicAuth)
    t.equal(seen[0]?.headers.accept, 'application/xml')
  })

  t.test("escapes ' and \\ exactly as NXQL wants them", async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    pool.intercept({ path: any, method: 'GET' }).reply(reply(200, list([])))
    pool.intercept({ path: any, method: 'GET' }).reply(reply(200, list([])))
    t.same(await cs.findObjectsByNumber("1985.4'b"), [])
    t.same(await cs.findObjectsByNumber('a\\b'), [])
    t.match(seen[0]?.path, /as=collectionobjects_common%3AobjectNumber%20%3D%20%271985.4%5C%27b%27&/)
    t.equal(asOf(seen[0]?.path ?? ''), "collectionobjects_common:objectNumber = '1985.4\\'b'")
    t.match(seen[1]?.path, /%27a%5C%5Cb%27&/)
    t.equal(asOf(seen[1]?.path ?? ''), "collectionobjects_common:objectNumber = 'a\\\\b'")
  })

  t.test('values with %, *, quotes, line breaks and XML characters are sent escaped and matched exactly', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    const tricky = '50% *"x"\n<&>'
    pool.intercept({ path: any, method: 'GET' }).reply(reply(200, list([
      { csid: 'c1-0000-0000-0001', objectNumber: '50% *"x"\n&lt;&amp;&gt;', workflowState: 'project' },
      { csid: 'c2-0000-0000-0002', objectNumber: '50% *"x"', workflowState: 'project' },
      { csid: 'c3-0000-0000-0003', objectNumber: '50% *&quot;x&quot;\n&lt;&amp;&gt;.5', workflowState: 'project' }
    ])))
    const found = await cs.findObjectsByNumber(tricky)
    t.same(found.map((o) => o.csid), ['c1-0000-0000-0001'], 'only the exact number, even if the server answers more')
    const path = seen[0]?.path ?? ''
    const rawAs = /[?&]as=([^&]*)/.exec(path)?.[1] ?? ''
    t.match(rawAs, /^[A-Za-z0-9._~%-]+$/, 'only unreserved characters and %XX escapes in the as value')
    t.equal(rawAs, 'collectionobjects_common%3AobjectNumber%20%3D%20%2750%25%20%2A%22x%22%5Cn%3C%26%3E%27', 'each special character percent-encoded')
    t.equal(asOf(path), 'collectionobjects_common:objectNumber = \'50% *"x"\\n<&>\'')
  })

  t.test('never returns deleted records, even when the server lists them', async (t) => {
    const { cs, pool, reply } = setup(t)
    // The real list page (40 of 41): several records numbered 2010.1.9, all soft-deleted.
    pool.intercept({ path: any, method: 'GET' }).reply(reply(200, fixture('collectionobject-list.xml')))
    pool.intercept({ path: any, method: 'GET' }).reply(reply(200, list([], { total: 41, pageNum: 1, pageSize: 40 })))
    t.same(await cs.findObjectsByNumber('2010.1.9'), [])
  })

  t.test('pages until totalItems and returns every live match (ambiguous numbers)', async (t) => {
    const { cs, pool, seen, reply } = setup(t, { pageSize: 2 })
    const item = (n: number): Record<string, string> => ({ csid: `a000000${n}-0001-4000-8001`, objectNumber: '2001.5.1', workflowState: 'project' })
    pool.intercept({ path: any, method: 'GET' }).reply(reply(200, list([item(1), item(2)], { total: 3, pageSize: 2 })))
    pool.intercept({ path: any, method: 'GET' }).reply(reply(200, list([item(3)], { total: 3, pageSize: 2, pageNum: 1 })))
    const found = await cs.findObjectsByNumber('2001.5.1')
    t.equal(found.length, 3)
    t.match(seen.map((s) => new URL(s.path, origin).searchParams.get('pgNum')), ['0', '1'])
    t.equal(new URL(seen[0]?.path ?? '', origin).searchParams.get('pgSz'), '2')
  })

  t.test('an empty number is refused before any request', async (t) => {
    const { cs, seen } = setup(t)
    await t.rejects(cs.findObjectsByNumber('   '), RangeError)
    t.equal(seen.length, 0)
  })
})

t.test('getObject', async (t) => {
  t.test('returns the XML as received and the parsed document', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    const body = fixture('collectionobject-get-real.xml')
    pool.intercept({ path: `${base}/collectionobjects/87674c8f-296d-4682-a795`, method: 'GET' }).reply(reply(200, body, xml))
    const record = await cs.getObject('87674c8f-296d-4682-a795')
    t.equal(record.xml, body)
    t.match(record, { csid: '87674c8f-296d-4682-a795', objectNumber: 'CLIENT.001', updatedAt: '2025-01-19T01:41:44.186Z', workflowState: 'project' })
    t.equal(childText(children(record.doc, 'collectionobjects_common')[0], 'numberOfObjects'), '1')
    t.equal(seen[0]?.headers.authorization, basicAuth)
  })

  t.test('404 is a typed not-found and is not retried', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    pool.intercept({ path: any, method: 'GET' }).reply(reply(404, 'Read request failed: csid=nope-0000-0000', { 'content-type': 'text/plain' }))
    t.match(await caught(cs.getObject('nope-0000-0000')), { code: 'RECORD_NOT_FOUND', status: 404, retryable: false, upstreamStatus: 404 })
    t.equal(seen.length, 1)
  })

  t.test('401 with the Tomcat HTML page is an auth error, not retried, without HTML in the message', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    pool.intercept({ path: any, method: 'GET' }).reply(reply(401, html401, { 'content-type': 'text/html;charset=utf-8', 'www-authenticate': 'Basic realm="Realm"' }))
    const err = await caught(cs.getObject('87674c8f-296d-4682-a795'))
    t.match(err, { code: 'UPSTREAM_AUTH', upstreamStatus: 401, retryable: false })
    t.notMatch(err.message, /<|html/i)
    t.equal(seen.length, 1)
  })

  t.test('500 is retried for reads', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    pool.intercept({ path: any, method: 'GET' }).reply(reply(500, 'boom detail: NullPointerException', { 'content-type': 'text/plain' }))
    pool.intercept({ path: any, method: 'GET' }).reply(reply(200, fixture('collectionobject-get.xml'), xml))
    const record = await cs.getObject('2ece74b2-2053-458c-a252')
    t.equal(record.workflowState, 'deleted')
    t.equal(seen.length, 2)
  })

  t.test('persistent 500 gives up after the retry budget with the server text', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    pool.intercept({ path: any, method: 'GET' }).reply(reply(500, 'boom detail: NullPointerException', { 'content-type': 'text/plain' })).times(3)
    const err = await caught(cs.getObject('2ece74b2-2053-458c-a252'))
    t.match(err, { code: 'UPSTREAM_ERROR', upstreamStatus: 500, retryable: true })
    t.match(err.message, /NullPointerException/)
    t.equal(seen.length, 3, 'first attempt + 2 retries')
  })

  t.test('timeouts are typed and retried for reads', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    pool.intercept({ path: any, method: 'GET' }).replyWithError(new errors.HeadersTimeoutError())
    pool.intercept({ path: any, method: 'GET' }).reply(reply(200, fixture('collectionobject-get.xml'), xml))
    t.equal((await cs.getObject('2ece74b2-2053-458c-a252')).objectNumber, '2')
    t.equal(seen.length, 1, 'the second attempt answered')
    pool.intercept({ path: any, method: 'GET' }).replyWithError(new errors.BodyTimeoutError()).times(3)
    t.match(await caught(cs.getObject('2ece74b2-2053-458c-a252')), { code: 'UPSTREAM_TIMEOUT', status: 504 })
  })

  t.test('a 200 that is not a document is a bad answer', async (t) => {
    const { cs, pool, reply } = setup(t)
    pool.intercept({ path: any, method: 'GET' }).reply(reply(200, '<html><body>proxy login</body></html>', { 'content-type': 'text/html' }))
    t.match(await caught(cs.getObject('87674c8f-296d-4682-a795')), { code: 'UPSTREAM_BAD_ANSWER' })
  })

  t.test('csids are opaque but cannot smuggle a path', async (t) => {
    const { cs, seen } = setup(t)
    await t.rejects(cs.getObject('../accounts'), RangeError)
    await t.rejects(cs.getObject('a?b'), RangeError)
    t.equal(seen.length, 0)
  })
})

t.test('createMedia', async (t) => {
  t.test('POSTs a media document and reads the csid from an absolute Location (empty 201 body)', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    pool.intercept({ path: `${base}/media`, method: 'POST' }).reply(reply(201, '', { location: `${origin}${base}/media/3bcf1427-d400-4f74-a4b6`, 'content-length': '0' }))
    const csid = await cs.createMedia({
      'media_common/identificationNumber': 'RS-12-scr',
      'media_common/title': "2019.12.3 <scr> & O'Keeffe",
      'media_common/dateGroupList/dateGroup/dateDisplayDate': '1941',
      'media_bampfa/websiteDisplayLevel': 'No public display',
      blobCsid: '6a573e00-e3a8-402c-b456'
    })
    t.equal(csid, '3bcf1427-d400-4f74-a4b6')
    const sent = seen[0]
    t.equal(sent?.headers['content-type'], 'application/xml')
    t.equal(sent?.headers.authorization, basicAuth)
    t.notMatch(sent?.body, /<scr>/, 'values are escaped by the builder')
    const doc = rootElement(parseXml(sent?.body ?? ''), 'document')
    t.equal(doc?.['@_name'], 'media')
    const common = doc?.media_common
    t.equal(childText(common, 'title'), "2019.12.3 <scr> & O'Keeffe")
    t.equal(childText(common, 'identificationNumber'), 'RS-12-scr')
    t.equal(childText(common, 'blobCsid'), '6a573e00-e3a8-402c-b456')
    t.equal(childText(children(children(common, 'dateGroupList')[0], 'dateGroup')[0], 'dateDisplayDate'), '1941')
    t.equal(childText(doc?.media_bampfa, 'websiteDisplayLevel'), 'No public display')
    t.match(sent?.body, /<ns2:media_bampfa xmlns:ns2="http:\/\/collectionspace.org\/services\/media\/local\/bampfa">/)
    t.match(sent?.body, /<ns2:media_common xmlns:ns2="http:\/\/collectionspace.org\/services\/media">/)
  })

  t.test('server-fetch mode passes blobUri encoded', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    pool.intercept({ path: any, method: 'POST' }).reply(reply(201, '', { location: `${origin}${base}/media/m1-0000-0000-0001` }))
    const url = 'https://dam.example-museum.org/filestore/1_abc.jpg?k=a1&size=scr'
    await cs.createMedia({ 'media_common/title': 'x' }, { blobUri: url })
    t.equal(seen[0]?.path, `${base}/media?blobUri=${encodeQueryValue(url)}`)
    t.equal(new URL(seen[0]?.path ?? '', origin).searchParams.get('blobUri'), url)
  })

  t.test('500 on a POST is not retried (the record may exist)', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    pool.intercept({ path: any, method: 'POST' }).reply(reply(500, 'Create failed', { 'content-type': 'text/plain' })).persist()
    t.match(await caught(cs.createMedia({ 'media_common/title': 'x' })), { code: 'UPSTREAM_ERROR', upstreamStatus: 500 })
    t.equal(seen.length, 1)
  })

  t.test('a timeout on a POST is not retried either', async (t) => {
    const { cs, pool } = setup(t)
    pool.intercept({ path: any, method: 'POST' }).replyWithError(new errors.HeadersTimeoutError())
    t.match(await caught(cs.createMedia({ 'media_common/title': 'x' })), { code: 'UPSTREAM_TIMEOUT' })
  })

  t.test('201 without Location is a bad answer', async (t) => {
    const { cs, pool, reply } = setup(t)
    pool.intercept({ path: any, method: 'POST' }).reply(reply(201, ''))
    t.match(await caught(cs.createMedia({ 'media_common/title': 'x' })), { code: 'UPSTREAM_BAD_ANSWER' })
  })

  t.test('field keys must be part/field', async (t) => {
    const { cs } = setup(t)
    await t.rejects(cs.createMedia({ title: 'x' }), TypeError)
  })
})

t.test('relations', async (t) => {
  t.test('createRelation sends both ends and the predicate', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    pool.intercept({ path: `${base}/relations`, method: 'POST' }).reply(reply(201, '', { location: `${origin}${base}/relations/7ff97301-13e4-4b5f-a5e7` }))
    const csid = await cs.createRelation({ subjectCsid: 'b08af938-842c-4650-82eb', subjectDocumentType: 'CollectionObject', objectCsid: 'm1-0000-0000-0001', objectDocumentType: 'Media' })
    t.equal(csid, '7ff97301-13e4-4b5f-a5e7')
    const common = rootElement(parseXml(seen[0]?.body ?? ''), 'document')?.relations_common
    t.same(['subjectCsid', 'subjectDocumentType', 'relationshipType', 'objectCsid', 'objectDocumentType'].map((f) => childText(common, f)),
      ['b08af938-842c-4650-82eb', 'CollectionObject', 'affects', 'm1-0000-0000-0001', 'Media'])
  })

  t.test('a 400 (relation to a missing record) is reported with the server text, not retried', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    pool.intercept({ path: any, method: 'POST' }).reply(reply(400, 'Create request failed: no record csid=x', { 'content-type': 'text/plain' }))
    const err = await caught(cs.createRelation({ subjectCsid: 'x', subjectDocumentType: 'CollectionObject', objectCsid: 'y', objectDocumentType: 'Media' }))
    t.match(err, { code: 'UPSTREAM_ERROR', upstreamStatus: 400, retryable: false })
    t.match(err.message, /no record csid=x/)
    t.equal(seen.length, 1)
  })

  t.test('listRelations filters by sbj/obj/prd and reads the real rel: list', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    pool.intercept({ path: any, method: 'GET' }).reply(reply(200, fixture('relations-list-real.xml'), xml))
    const relations = await cs.listRelations({ sbj: 'f7d3be87-8864-477a-8098', obj: 'b08af938-842c-4650-82eb', prd: 'affects' })
    t.same(
      relations,
      [{ csid: '7ff97301-13e4-4b5f-a5e7', subjectCsid: 'f7d3be87-8864-477a-8098', objectCsid: 'b08af938-842c-4650-82eb', predicate: 'affects', subjectDocumentType: 'Acquisition', objectDocumentType: 'CollectionObject' }]
    )
    t.equal(seen[0]?.path, `${base}/relations?wf_deleted=false&sbj=f7d3be87-8864-477a-8098&obj=b08af938-842c-4650-82eb&prd=affects&pgSz=100&pgNum=0`)
  })
})

t.test('media and blob lookups', async (t) => {
  t.test('findMedia by identificationNumber reads the real media list', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    pool.intercept({ path: any, method: 'GET' }).reply(reply(200, fixture('media-list-real.xml'), xml))
    t.same(
      await cs.findMedia({ identificationNumber: 'DTS.1' }),
      [{ csid: '2af9b15e-8318-4bfc-a746', uri: '/media/2af9b15e-8318-4bfc-a746', identificationNumber: 'DTS.1', blobCsid: '2fbdef99-9071-4420-a8cc', updatedAt: '2025-01-21T16:12:31.524Z', workflowState: 'project' }]
    )
    t.equal(asOf(seen[0]?.path ?? ''), "media_common:identificationNumber = 'DTS.1'")
    t.match(seen[0]?.path, /^\/cspace-services\/media\?/)
  })

  t.test('mediaRelatedTo drops deleted media (the server does not filter that path)', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    pool.intercept({ path: any, method: 'GET' }).reply(reply(200, list([
      { csid: 'm1-0000-0000-0001', identificationNumber: 'RS-1-scr', workflowState: 'project' },
      { csid: 'm2-0000-0000-0002', identificationNumber: 'RS-1-pre', workflowState: 'deleted' }
    ])))
    t.same((await cs.mediaRelatedTo('87674c8f-296d-4682-a795')).map((m) => m.csid), ['m1-0000-0000-0001'])
    t.match(seen[0]?.path, /rtSbj=87674c8f-296d-4682-a795&rtPredicate=affects&wf_deleted=false/)
  })

  t.test('getBlob, findBlobs and renameBlob', async (t) => {
    const { cs, pool, seen, reply } = setup(t)
    const blobDoc = '<document name="blobs"><ns2:blobs_common xmlns:ns2="http://collectionspace.org/services/blob"><name>2010.1.9_1.jpg</name><mimeType>image/jpeg</mimeType><length>48213</length><digest>abc</digest><encoding/><uri>/blobs/6a573e00-e3a8-402c-b456/content</uri></ns2:blobs_common></document>'
    pool.intercept({ path: `${base}/blobs/6a573e00-e3a8-402c-b456`, method: 'GET' }).reply(reply(200, blobDoc, xml))
    t.same(
      await cs.getBlob('6a573e00-e3a8-402c-b456'),
      { csid: '6a573e00-e3a8-402c-b456', name: '2010.1.9_1.jpg', mimeType: 'image/jpeg', length: 48213, digest: 'abc' }
    )
    pool.intercept({ path: any, method: 'GET' }).reply(reply(200, list([{ csid: 'b1-0000-0000-0001', name: '2010.1.9_1.jpg', length: '48213', workflowState: 'project' }, { csid: 'b2-0000-0000-0002', name: '2010.1.9_1.jpg.bak', workflowState: 'project' }])))
    t.same(await cs.findBlobs({ name: '2010.1.9_1.jpg' }), [{ csid: 'b1-0000-0000-0001', name: '2010.1.9_1.jpg', length: 48213, workflowState: 'project' }])
    pool.intercept({ path: `${base}/blobs/6a573e00-e3a8-402c-b456`, method: 'PUT' }).reply(reply(409, 'conflict', { 'content-type': 'text/plain' }))
    t.match(await caught(cs.renameBlob('6a573e00-e3a8-402c-b456', 'x.jpg')), { code: 'UPSTREAM_ERROR', upstreamStatus: 409, retryable: false })
    pool.intercept({ path: `${base}/blobs/6a573e00-e3a8-402c-b456`, method: 'PUT' }).reply(reply(200, blobDoc, xml))
    await cs.renameBlob('6a573e00-e3a8-402c-b456', 'Daguerréotypes "still" 1.jpg')
    const put = seen.at(-1)
    t.equal(put?.method, 'PUT')
    t.equal(childText(rootElement(parseXml(put?.body ?? ''), 'document')?.blobs_common, 'name'), 'Daguerréotypes "still" 1.jpg')
  })
})

t.test('objectsUpdatedSince asks for the double-quoted UTC TIMESTAMP form, oldest first', async (t) => {
  const { cs, pool, seen, reply } = setup(t)
  pool.intercept({ path: any, method: 'GET' }).reply(reply(200, list([
    { csid: 'c1-0000-0000-0001', objectNumber: '1', updatedAt: '2025-01-21T16:21:27.000Z', workflowState: 'project' },
    { csid: 'c2-0000-0000-0002', objectNumber: '2', updatedAt: '2025-01-21T16:21:28.000Z', workflowState: 'deleted' }
  ])))
  const pages = []
  for await (const page of cs.objectsUpdatedSince('2025-01-21T16:21:26.968Z')) pages.push(page)
  t.same(pages.map((p) => p.map((o) => o.csid)), [['c1-0000-0000-0001']])
  const url = new URL(seen[0]?.path ?? '', origin)
  t.equal(url.searchParams.get('as'), 'collectionspace_core:updatedAt >= TIMESTAMP "2025-01-21T16:21:26.968Z"')
  t.equal(url.searchParams.get('sortBy'), 'collectionspace_core:updatedAt ASC')
  t.equal(url.searchParams.get('wf_deleted'), 'false')
})

t.test('systemInfo needs no credentials', async (t) => {
  const { cs, pool, seen, reply } = setup(t)
  pool.intercept({ path: `${base}/systeminfo`, method: 'GET' }).reply(reply(200, '<ns2:system_info_common xmlns:ns2="http://collectionspace.org/services/systeminfo"><version><major>8</major><minor>1</minor><patch>0</patch></version></ns2:system_info_common>', xml))
  t.same(await cs.systemInfo(), { version: '8.1.0' })
  t.equal(seen[0]?.headers.authorization, undefined)
})

/** A loopback server that answers 201 after reading a multipart upload, measuring how it arrived. */
async function uploadServer (t: Teardown): Promise<{
  url: string,
  received: () => number,
  last: () => { headers: IncomingMessage['headers'], fileSha256: string, fileLength: number, filename?: string, contentType?: string } | undefined
}> {
  let received = 0
  let last: ReturnType<Awaited<ReturnType<typeof uploadServer>>['last']>
  const server = createServer((req, res) => {
    const counted = (async function * () {
      for await (const chunk of req) { received += (chunk as Buffer).length; yield chunk as Buffer }
    })()
    const boundary = /boundary=(.+)$/.exec(req.headers['content-type'] ?? '')?.[1] ?? ''
    readMultipart(counted, boundary).then((parts) => {
      const file = parts.find((p) => p.name === 'file')
      last = {
        headers: req.headers,
        fileSha256: file?.sha256 ?? '',
        fileLength: file?.content.length ?? -1,
        ...(file?.filename === undefined ? {} : { filename: file.filename }),
        ...(file?.contentType === undefined ? {} : { contentType: file.contentType })
      }
      res.writeHead(201, { location: `http://${req.headers.host ?? ''}/cspace-services/blobs/b10b0000-0001-4000-8001` }).end()
    }, (err: Error) => { res.writeHead(400).end(err.message) })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cspace-services/`, received: () => received, last: () => last }
}

t.test('createBlob streams a large body instead of buffering it', async (t) => {
  const server = await uploadServer(t)
  const dispatcher = createDispatcher({ timeoutMs: 10_000 })
  t.teardown(async () => { await dispatcher.close() })
  const cs = new CollectionSpaceClient({ servicesUrl: server.url, user, password, dispatcher })

  const chunk = 256 * 1024
  const total = 64 * 1024 * 1024
  const expected = createHash('sha256')
  let produced = 0
  let maxLag = 0
  // Generated lazily: each chunk is made only when the upload asks for it. A client that buffered the
  // body would let `produced` run 64 MiB ahead of what the server has received.
  const body = Readable.from((async function * () {
    for (let i = 0; produced < total; i++) {
      const bytes = Buffer.alloc(chunk, i % 251)
      expected.update(bytes)
      produced += bytes.length
      maxLag = Math.max(maxLag, produced - server.received())
      yield bytes
    }
  })())
  const csid = await cs.createBlob(body, { filename: 'big "scan".tif', contentType: 'image/tiff', length: total })
  t.equal(csid, 'b10b0000-0001-4000-8001')
  const last = server.last()
  t.equal(last?.fileLength, total)
  t.equal(last?.fileSha256, expected.digest('hex'), 'the server got exactly the bytes sent')
  t.equal(last?.filename, 'big "scan".tif', 'field file with the file name escaped the browser way')
  t.equal(last?.contentType, 'image/tiff')
  t.equal(Number(last?.headers['content-length']), server.received(), 'Content-Length covers the whole multipart body')
  t.equal(last?.headers.authorization, basicAuth)
  t.ok(maxLag < 16 * 1024 * 1024, `at most ${Math.round(maxLag / 1024 / 1024)} MiB in flight (of 64 MiB)`)
})

t.test('createBlob without a known length uses chunked encoding', async (t) => {
  const server = await uploadServer(t)
  const dispatcher = createDispatcher({ timeoutMs: 5_000 })
  t.teardown(async () => { await dispatcher.close() })
  const cs = new CollectionSpaceClient({ servicesUrl: server.url, user, password, dispatcher })
  await cs.createBlob(Readable.from([Buffer.from('\xff\xd8\xff', 'latin1'), 'rest']), { filename: 'a.jpg', contentType: 'image/jpeg' })
  t.equal(server.last()?.headers['transfer-encoding'], 'chunked')
  t.equal(server.last()?.fileLength, 7)
  await t.rejects(
    cs.createBlob(Readable.from(['x']), { filename: 'a.jpg', contentType: 'image/jpeg\r\nX-Evil: 1' }),
    TypeError,
    'header injection through the content type is refused'
  )
})
