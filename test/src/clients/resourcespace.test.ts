import { createHash } from 'node:crypto'
import t from 'tap'
import { MockAgent, type Interceptable } from 'undici'
import { ResourceSpaceClient } from '../../../src/clients/resourcespace.js'
import { interpretAnswer } from '../../../src/clients/rs-answers.js'
import { UpstreamError } from '../../../src/errors.js'
import { rejection } from '../../helpers/rejection.js'

const origin = 'http://rs.test'
const key = 'testkey123'

interface Teardown {
  teardown: (fn: () => unknown) => void
}

interface Reply {
  statusCode?: number
  /** JSON-encoded unless it is a string (sent as is). */
  data?: unknown
  headers?: Record<string, string>
}

/** A client on a MockAgent that refuses real network access and remembers every path sent. */
function setup (t: Teardown, opts: { pageSize?: number } = {}): {
  pool: Interceptable,
  client: ResourceSpaceClient,
  sent: string[],
  reply: (fn: string, ...replies: Reply[]) => void
} {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const pool = agent.get(origin)
  const sent: string[] = []
  const client = new ResourceSpaceClient({
    apiUrl: `${origin}/api/`,
    user: 'spacelink',
    key,
    dispatcher: agent,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    pageSize: opts.pageSize
  })
  t.teardown(async () => {
    agent.assertNoPendingInterceptors()
    await agent.close()
  })
  /** Answers the next calls of RS function `fn`, one reply per call, in order. */
  function reply (fn: string, ...replies: Reply[]): void {
    for (const r of replies) {
      pool.intercept({ path: (path: string) => functionOf(path) === fn, method: 'GET' }).reply((req) => {
        sent.push(String(req.path))
        return {
          statusCode: r.statusCode ?? 200,
          data: typeof r.data === 'string' ? r.data : JSON.stringify(r.data),
          responseOptions: { headers: { 'content-type': 'application/json', ...r.headers } }
        }
      })
    }
  }
  return { pool, client, sent, reply }
}

function functionOf (path: string): string | null {
  return new URLSearchParams(path.split('?')[1] ?? '').get('function')
}

/** The path a correctly signing client must send for this query (signed independently of the client). */
function signedPath (query: string): string {
  return `/api/?${query}&sign=${createHash('sha256').update(key + query).digest('hex')}`
}

function row (ref: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { score: '0', ref, resource_type: 1, has_image: 1, file_extension: 'tif', archive: 0, field8: `Title ${ref}`, ...extra }
}

/** `get_resource_field_data` entries as RS sends them (numbers as ints): how the client learns field types. */
const fieldData = [
  { ref: 8, name: 'title', title: 'Title', type: 0, required: 1, value: 'A title' },
  { ref: 12, name: 'date', title: 'Date', type: 4, required: 0, value: '' },
  { ref: 88, name: 'accessionnumber', title: 'Accession number', type: 0, required: 0, value: '2024.1.2' },
  { ref: 89, name: 'synced', title: 'Synced', type: 3, required: 0, value: '' },
  { ref: 93, name: 'subjects', title: 'Subjects', type: 2, required: 0, value: '' },
  { ref: 94, name: 'keywords', title: 'Keywords', type: 9, required: 0, value: '' }
]

t.test('requests are signed exactly as sent (documented worked example)', async (t) => {
  const { client, sent, reply } = setup(t)
  reply('get_resource_field_data', { data: [{ ref: 88, name: 'accessionnumber', title: 'Accession number', type: 0, value: '2024.1.2', nodes: 282 }] })
  const fields = await client.getResourceFieldData(42)
  t.same(sent, ['/api/?user=spacelink&function=get_resource_field_data&resource=42&sign=a3a1af6b1da1a97b45377be6cd9cae6fbc71eaadb2f9afcbfe9b53783af40597'])
  t.same(fields, [{ ref: 88, name: 'accessionnumber', title: 'Accession number', type: 0, required: false, value: '2024.1.2' }])
})

t.test('health check uses basic=1', async (t) => {
  const { client, sent, reply } = setup(t)
  reply('get_system_status', { data: { status: 'OK' } })
  t.same(await client.getSystemStatus(), { status: 'OK' })
  t.same(sent, [signedPath('user=spacelink&function=get_system_status&basic=1')])
})

t.test('search pages with fetchrows=offset,rows until a short page and never trusts total', async (t) => {
  const { client, sent, reply } = setup(t, { pageSize: 100 })
  const refs = Array.from({ length: 130 }, (_, i) => i + 1)
  // A stale cached total: RS claims 100 results while 130 match.
  reply('do_search',
    { data: { total: 100, data: refs.slice(0, 100).map((ref) => row(ref)) } },
    { data: { total: 130, data: refs.slice(100).map((ref) => row(ref)) } })
  const rows = await client.search('!empty101', { restypes: [13] })
  t.equal(rows.length, 130, 'all rows, although total said 100')
  t.same(rows.map((r) => r.ref), refs)
  t.equal(sent[0], `${signedPath('user=spacelink&function=do_search&search=%21empty101&restypes=13&archive=0&fetchrows=0%2C100&order_by=resourceid&sort=asc')}`)
  t.equal(sent[0], '/api/?user=spacelink&function=do_search&search=%21empty101&restypes=13&archive=0&fetchrows=0%2C100&order_by=resourceid&sort=asc&sign=32030655569831f14e4736c5ab5a7de7aecb6a1d68ecb76fe83c993de7dbce87',
    'the second documented worked example, byte for byte')
  t.equal(new URLSearchParams(sent[1]?.split('?')[1]).get('fetchrows'), '100,100')
  t.equal(sent.length, 2)
})

t.test('search stops at a short page even when total promises more', async (t) => {
  const { client, sent, reply } = setup(t, { pageSize: 3 })
  reply('do_search',
    { data: { total: 50, data: [row(1), row(2), row(3)] } },
    { data: { total: 50, data: [row(4)] } })
  const pages: number[][] = []
  for await (const page of client.searchPages('accessionnumber:2018.3', { archive: [0, -2] })) pages.push(page.map((r) => r.ref))
  t.same(pages, [[1, 2, 3], [4]], 'the sync engine gets each page as it arrives')
  t.equal(sent.length, 2)
  t.equal(new URLSearchParams(sent[0]?.split('?')[1]).get('archive'), '0,-2')
  t.equal(new URLSearchParams(sent[0]?.split('?')[1]).get('search'), 'accessionnumber:2018.3')
})

t.test('search rows are normalised: ids as numbers, truncated columns kept apart', async (t) => {
  const { client, reply } = setup(t)
  reply(
    'do_search',
    { data: { total: 1, data: [{ score: '0', ref: '7', resource_type: '3', archive: '0', has_image: '1', file_extension: 'jpg', field8: 'A title', field12: '2024-03-05', field3: null }] } }
  )
  const [first] = await client.search('')
  t.match(first, { ref: 7, resourceType: 3, archive: 0, hasImage: true, fileExtension: 'jpg', columns: { 8: 'A title', 12: '2024-03-05' } })
  t.notOk(first !== undefined && 3 in first.columns, 'null columns are left out')
})

t.test('paging that does not advance is an error, not an endless loop', async (t) => {
  const { client, reply } = setup(t, { pageSize: 2 })
  reply('do_search', { data: { total: 9, data: [row(1), row(2)] } }, { data: { total: 9, data: [row(1), row(2)] } })
  const err = await rejection(client.search(''))
  t.equal(err.code, 'UPSTREAM_BAD_ANSWER')
  t.match(err.message, /paging does not advance/)
})

t.test('an old RS that answers a plain array gives every row at once', async (t) => {
  const { client, sent, reply } = setup(t, { pageSize: 2 })
  reply('do_search', { data: [row(1), row(2), row(3), 0] })
  t.same((await client.search('')).map((r) => r.ref), [1, 2, 3], 'padding zeros are skipped')
  t.equal(sent.length, 1)
})

t.test('get_resource_data: false is RESOURCE_NOT_FOUND and is not retried', async (t) => {
  const { client, sent, reply } = setup(t)
  reply('get_resource_data', { data: false })
  const err = await rejection(client.getResourceData(99999))
  t.equal(err.code, 'RESOURCE_NOT_FOUND')
  t.equal(err.status, 404)
  t.equal(sent.length, 1)
})

t.test('getResourceFields asks for the row and the fields in parallel', async (t) => {
  const { pool, client } = setup(t)
  const dispatched: Record<string, number> = {}
  for (const [fn, data] of [
    ['get_resource_data', { ref: 5, resource_type: 1, archive: 0, file_extension: 'tif', has_image: 1, no_file: 0 }],
    ['get_resource_field_data', [{ ref: 88, name: 'accessionnumber', title: 'Accession number', type: 0, value: '2024.1.2' }]]
  ] as const) {
    pool.intercept({ path: (p: string) => functionOf(p) === fn, method: 'GET' }).reply(() => {
      dispatched[fn] = performance.now()
      return { statusCode: 200, data: JSON.stringify(data) }
    }).delay(150)
  }
  const { resource, fields } = await client.getResourceFields(5)
  t.equal(resource.ref, 5)
  t.equal(fields[0]?.value, '2024.1.2')
  const gap = Math.abs((dispatched.get_resource_data ?? 0) - (dispatched.get_resource_field_data ?? 1000))
  t.ok(gap < 100, `the second call left before the first was answered (gap ${gap.toFixed(0)} ms)`)
})

t.test('getResourceFields of a missing resource fails although RS answers global fields', async (t) => {
  const { client, reply } = setup(t)
  reply('get_resource_data', { data: false })
  reply('get_resource_field_data', { data: [{ ref: 88, name: 'accessionnumber', title: 'Accession number', type: 0, value: '' }] })
  t.equal((await rejection(client.getResourceFields(99999))).code, 'RESOURCE_NOT_FOUND')
})

t.test('RS quirks become typed errors', async (t) => {
  const cases: Array<[string, Reply, string, RegExp]> = [
    ['401 Invalid signature', { statusCode: 401, data: 'Invalid signature' }, 'UPSTREAM_AUTH', /RS user and API key/],
    ['200 Invalid signature (RS before 10)', { data: 'Invalid signature' }, 'UPSTREAM_AUTH', /answered 401/],
    ['200 empty body (unknown function)', { data: '' }, 'UPSTREAM_BAD_ANSWER', /empty body/],
    ['PHP-FPM error object', { data: { error: true, error_note: 'Sorry, an error has occurred. ' } }, 'UPSTREAM_BAD_ANSWER', /error object/],
    [
      'built-in server error text',
      { data: '\n\nSorry, an error has occurred. include/x.php line 3: Undefined array key' },
      'UPSTREAM_BAD_ANSWER',
      /PHP error page/
    ],
    ['JSend failure', { data: { status: 'fail', data: { message: 'Method Not Allowed.' } } }, 'UPSTREAM_BAD_ANSWER', /Method Not Allowed/],
    [
      '403 field not found page',
      { statusCode: 403, data: '<html><script>alert("Field ID not found.")</script></html>' },
      'UPSTREAM_BAD_ANSWER',
      /Field ID not found/
    ],
    ['HTML where JSON belongs', { data: '<html>login</html>' }, 'UPSTREAM_BAD_ANSWER', /not JSON/],
    // What real RS answers a user whose group lacks a permission: the key was fine, so the key is not blamed.
    [
      '403 [] (a permission the user lacks)',
      { statusCode: 403, data: [] },
      'UPSTREAM_FORBIDDEN',
      /^ResourceSpace refused get_resource_data to user 'spacelink' \(403\): the user lacks a permission this function needs$/
    ]
  ]
  for (const [name, answer, code, message] of cases) {
    t.test(name, async (t) => {
      const { client, sent, reply } = setup(t)
      reply('get_resource_data', answer)
      const err = await rejection(client.getResourceData(2))
      t.equal(err.code, code)
      t.match(err.message, message)
      t.equal(sent.length, 1, 'not retried')
    })
  }
})

t.test('a 403 to an admin-only function names the function and the permission the user\'s group lacks', async (t) => {
  const err = (() => {
    try {
      interpretAnswer('get_resource_type_fields', { statusCode: 403, headers: {}, text: '[]' }, 'spacelink')
    } catch (e) {
      return e as UpstreamError
    }
    throw new Error('expected a refusal')
  })()
  t.equal(err.code, 'UPSTREAM_FORBIDDEN')
  t.equal(err.message, "ResourceSpace refused get_resource_type_fields to user 'spacelink' (403): it needs the permission 'a' (system setup), which the user's group does not have")
  t.notMatch(err.message, /API key|credentials/, 'the key is not blamed')
})

t.test('`false` or `""` where data is expected is a typed error', async (t) => {
  const { client, reply } = setup(t)
  reply('get_resource_field_data', { data: false })
  t.equal((await rejection(client.getResourceFieldData(2))).code, 'UPSTREAM_BAD_ANSWER')
  reply('get_data_by_field', { data: false })
  t.equal((await rejection(client.getDataByField(99999, 88))).code, 'RESOURCE_NOT_FOUND')
  reply('get_resource_all_image_sizes', { data: false })
  t.equal((await rejection(client.getResourceAllImageSizes(2))).code, 'UPSTREAM_BAD_ANSWER')
})

t.test('a 500 with an empty body is retried; a read succeeds on the third attempt', async (t) => {
  const { client, sent, reply } = setup(t)
  reply(
    'get_resource_data',
    { statusCode: 500, data: '' },
    { statusCode: 500, data: '' },
    { data: { ref: 2, resource_type: 1, archive: 0, file_extension: 'jpg', has_image: 1 } }
  )
  const resource = await client.getResourceData(2)
  t.equal(resource.ref, 2)
  t.equal(sent.length, 3)
})

t.test('a 500 that persists fails as a retryable UPSTREAM_ERROR after the retries', async (t) => {
  const { client, sent, reply } = setup(t)
  reply('get_resource_data', { statusCode: 500, data: '' }, { statusCode: 500, data: '' }, { statusCode: 500, data: '' })
  const err = await rejection(client.getResourceData(2))
  t.ok(err instanceof UpstreamError)
  t.match(err, { code: 'UPSTREAM_ERROR', upstreamStatus: 500, retryable: true })
  t.equal(sent.length, 3, 'first attempt + 2 retries')
})

t.test('update_field: true is ok, false is a typed error, a 503 is retried (the same value again is harmless)', async (t) => {
  const { client, sent, reply } = setup(t)
  reply('get_resource_field_data', { data: fieldData })
  reply('update_field', { data: true }, { data: false }, { statusCode: 503, data: '' }, { data: true })
  await client.updateField(5, 'accessionnumber', '2024.1.3')
  t.equal(
    sent[0],
    signedPath('user=spacelink&function=get_resource_field_data&resource=5'),
    'the field is learned from the resource itself, not from the admin-only get_resource_type_fields'
  )
  t.equal(sent[1], signedPath('user=spacelink&function=update_field&resource=5&field=88&value=2024.1.3'), 'the shortname is sent as its numeric ref')
  const refused = await rejection(client.updateField(5, 88, ''))
  t.equal(refused.code, 'UPSTREAM_BAD_ANSWER')
  t.match(refused.message, /false for resource 5, field accessionnumber \(88\)/)
  await client.updateField(5, 88, 'x')
  t.equal(sent.filter((p) => functionOf(p) === 'update_field').length, 4, 'the 503 was retried once and then succeeded')
  t.notOk(sent.some((p) => functionOf(p) === 'get_resource_type_fields'))
})

t.test('values RS would not keep are refused before anything is sent: a blank required field, free-text and partial dates', async (t) => {
  const { client, sent, reply } = setup(t)
  reply('get_resource_field_data', { data: fieldData })
  t.match(await rejection(client.updateField(5, 'title', '')), { code: 'RS_VALUE_REFUSED', message: /requires a value/ })
  t.match(await rejection(client.updateField(5, 'date', 'ca. 1950')), { code: 'RS_VALUE_REFUSED', message: /not a date RS keeps/ })
  t.match(await rejection(client.updateField(5, 'date', '1969')), { code: 'RS_VALUE_REFUSED' }, 'the edit form would turn 1969 into 1969-00-00')
  reply('update_field', { data: true }, { data: true })
  await client.updateField(5, 'date', '1969-00-00')
  await client.updateField(5, 'date', '2024-03-05')
  t.equal(sent.filter((p) => functionOf(p) === 'update_field').length, 2)
})

t.test('dropdown values are checked against the options before any write', async (t) => {
  const { client, sent, reply } = setup(t)
  reply('get_resource_field_data', { data: fieldData })
  reply('get_field_options', { data: ['true', 'false'] })
  const err = await rejection(client.updateField(5, 'synced', 'maybe'))
  t.equal(err.code, 'RS_VALUE_REFUSED')
  t.equal(err.status, 422)
  t.match(err.extra, { field: 89, value: 'maybe' })
  t.match(err.message, /'maybe' is not one of its options \(true, false\)/)
  t.notOk(sent.some((p) => functionOf(p) === 'update_field'), 'no update_field was sent, so RS could not blank the field')

  t.equal((await rejection(client.updateField(5, 89, 'true,false'))).code, 'RS_VALUE_REFUSED', 'two values in a single-choice field')

  reply('update_field', { data: true }, { data: true })
  await client.updateField(5, 'synced', 'TRUE')
  await client.updateField(5, 89, '')
  t.equal(sent.filter((p) => functionOf(p) === 'get_field_options').length, 1, 'options are cached for the client\'s lifetime')
  t.equal(sent.filter((p) => functionOf(p) === 'get_resource_field_data').length, 1, 'field definitions are learned once')
})

t.test('checkbox lists check every name; dynamic keywords may add new ones', async (t) => {
  const { client, sent, reply } = setup(t)
  reply('get_resource_field_data', { data: fieldData })
  reply('get_field_options', { data: ['Painting', 'Drawing, ink'] })
  reply('update_field', { data: true }, { data: true })
  await client.updateField(5, 'subjects', 'painting, "Drawing, ink"')
  t.equal((await rejection(client.updateField(5, 'subjects', 'Painting, Sculpture'))).code, 'RS_VALUE_REFUSED')
  await client.updateField(5, 'keywords', 'a brand new keyword')
  t.equal(sent.filter((p) => functionOf(p) === 'update_field').length, 2)
})

t.test('field shortnames resolve to refs once (from field data, as a least-privilege user can); unknown and duplicate names are refused', async (t) => {
  const { client, sent, reply } = setup(t)
  reply(
    'get_resource_field_data',
    { data: [...fieldData, { ref: 120, name: 'twice', title: 'A', type: 0, value: '' }, { ref: 121, name: 'twice', title: 'B', type: 0, value: '' }] }
  )
  t.equal(await client.resolveFieldRef('accessionnumber'), 88)
  t.equal(await client.resolveFieldRef('synced'), 89)
  t.equal(await client.resolveFieldRef(91), 91, 'a numeric ref needs no lookup')
  t.equal(await client.resolveFieldRef('92'), 92)
  t.equal((await rejection(client.resolveFieldRef('nosuchfield'))).code, 'RS_UNKNOWN_FIELD')
  t.equal((await rejection(client.resolveFieldRef('twice'))).code, 'RS_AMBIGUOUS_FIELD')
  t.equal(sent.length, 1)
  t.equal(new URLSearchParams(sent[0]?.split('?')[1]).get('function'), 'get_resource_field_data', 'no admin-only call')
})

t.test('findByExactValue re-checks exact values: X does not match X.5', async (t) => {
  const { pool, client, sent, reply } = setup(t)
  reply('get_resource_field_data', { data: fieldData })
  reply('do_search', { data: { total: 3, data: [row(2), row(7), row(8)] } })
  const values: Record<string, string> = { 2: '2024.1.2', 7: '2024.1.2.5', 8: ' 2024.1.2 ' }
  pool.intercept({ path: (p: string) => functionOf(p) === 'get_data_by_field', method: 'GET' }).reply((req) => {
    const params = new URLSearchParams(String(req.path).split('?')[1])
    t.equal(params.get('field'), '88', 'values are re-read by numeric field ref')
    return { statusCode: 200, data: JSON.stringify(values[params.get('ref') ?? ''] ?? false) }
  }).times(3)
  const found = await client.findByExactValue('accessionnumber', '2024.1.2')
  t.same(found.map((r) => r.ref), [2, 8])
  const search = new URLSearchParams(sent.find((p) => functionOf(p) === 'do_search')?.split('?')[1])
  t.equal(search.get('search'), 'accessionnumber:2024.1.2')
  t.same(await client.findByExactValue(88, '   '), [], 'an empty number searches nothing')
})

t.test('image sizes: ids and dimensions as numbers; the display filesize is never read as bytes', async (t) => {
  const { client, reply } = setup(t)
  reply('get_resource_all_image_sizes', {
    data: [
      { size_code: 'original', extension: 'jpg', url: 'http://rs.test/o', width: 1200, height: 1600, filesize: '66&nbsp;KB' },
      { size_code: 'scr', extension: 'jpg', url: 'http://rs.test/s', width: '600', height: '800', filesize: '22&nbsp;KB' }
    ]
  })
  t.same(await client.getResourceAllImageSizes(2), [
    { sizeCode: 'original', extension: 'jpg', url: 'http://rs.test/o', width: 1200, height: 1600 },
    { sizeCode: 'scr', extension: 'jpg', url: 'http://rs.test/s', width: 600, height: 800 }
  ])
})

t.test('long values go as a signed POST form with user as its own field', async (t) => {
  const { pool, client, reply } = setup(t)
  reply('get_resource_field_data', { data: fieldData })
  const value = 'Ü'.repeat(3000)
  let body = ''
  pool.intercept({ path: '/api/', method: 'POST' }).reply((req) => {
    body = String(req.body)
    return { statusCode: 200, data: 'true' }
  })
  await client.updateField(5, 'title', value)
  const form = new URLSearchParams(body)
  t.equal(form.get('user'), 'spacelink')
  const query = form.get('query') ?? ''
  t.equal(new URLSearchParams(query).get('value'), value)
  t.equal(new URLSearchParams(query).get('function'), 'update_field')
  t.equal(form.get('sign'), createHash('sha256').update(key + query).digest('hex'))
})

t.test('download streams the bytes; a redirect to the login page is an error', async (t) => {
  const { pool, client } = setup(t)
  pool.intercept({ path: '/pages/download.php?ref=2&size=scr&access_key=good', method: 'GET' })
    .reply(200, Buffer.from([0xff, 0xd8, 0xff]), { headers: { 'content-type': 'image/jpeg' } })
  pool.intercept({ path: '/pages/download.php?ref=2&size=scr&access_key=old', method: 'GET' })
    .reply(302, '', { headers: { location: 'http://rs.test/login.php?url=x&nocookies=true' } })
  const res = await client.download(`${origin}/pages/download.php?ref=2&size=scr&access_key=good`)
  t.equal(res.headers['content-type'], 'image/jpeg')
  t.same([...Buffer.from(await res.body.arrayBuffer())], [0xff, 0xd8, 0xff])
  const err = await rejection(client.download(`${origin}/pages/download.php?ref=2&size=scr&access_key=old`))
  t.equal(err.code, 'UPSTREAM_ERROR')
  t.match(err.message, /access key/)
})

t.test('the API URL gets its trailing slash and loses any query', async (t) => {
  const agent = new MockAgent()
  agent.disableNetConnect()
  t.teardown(async () => { await agent.close() })
  const sent: string[] = []
  agent.get(origin).intercept({ path: () => true, method: 'GET' }).reply((req) => {
    sent.push(String(req.path))
    return { statusCode: 200, data: '{"status":"OK"}' }
  })
  const client = new ResourceSpaceClient({ apiUrl: `${origin}/api?x=1`, user: 'spacelink', key, dispatcher: agent })
  await client.getSystemStatus()
  t.equal(sent[0], signedPath('user=spacelink&function=get_system_status&basic=1'))
  t.throws(() => new ResourceSpaceClient({ apiUrl: `${origin}/api/`, user: 'u', key, dispatcher: agent, pageSize: 0 }), /pageSize/)
})

t.test('resource type names are asked once per client; a failed ask is asked again', async (t) => {
  const { client, sent, reply } = setup(t)
  reply('get_resource_types', { statusCode: 500, data: '' }, { statusCode: 500, data: '' }, { statusCode: 500, data: '' })
  t.equal((await rejection(client.getResourceTypes())).code, 'UPSTREAM_ERROR', 'a failure is reported …')
  reply('get_resource_types', { data: [{ ref: '1', name: 'Photo' }, { ref: 3, name: 'Film still' }] })
  t.same([...(await client.getResourceTypes())], [[1, 'Photo'], [3, 'Film still']], '… and not kept: the next page asks again')
  t.same([...(await client.getResourceTypes())], [[1, 'Photo'], [3, 'Film still']])
  t.equal(sent.filter(p => functionOf(p) === 'get_resource_types').length, 4, 'three failed tries, then one answer kept for the client\'s lifetime')
})
