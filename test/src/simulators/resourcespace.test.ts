import { createHash } from 'node:crypto'
import jpeg from 'jpeg-js'
import t from 'tap'
import { request } from 'undici'
import { createDispatcher } from '../../../src/clients/http.js'
import { ResourceSpaceClient } from '../../../src/clients/resourcespace.js'
import { buildRsQuery, signedRsQuery } from '../../../src/clients/rs-signing.js'
import {
  buildResourceSpaceApp,
  RS_SIMULATOR_ADMIN,
  RS_SIMULATOR_KEY,
  startResourceSpaceSimulator,
  type RsSimulator
} from '../../../src/simulators/resourcespace/index.js'
import { rejection } from '../../helpers/rejection.js'

interface Teardown {
  teardown: (fn: () => unknown) => void
}

const fastRetry = { retries: 2, baseDelayMs: 1, maxDelayMs: 5 }

async function simulator (t: Teardown, opts: Parameters<typeof startResourceSpaceSimulator>[0] = {}): Promise<{ sim: RsSimulator, rs: ResourceSpaceClient }> {
  const sim = await startResourceSpaceSimulator(opts)
  const dispatcher = createDispatcher({ timeoutMs: 2_000 })
  t.teardown(async () => {
    await sim.close()
    await dispatcher.close()
  })
  const rs = new ResourceSpaceClient({ apiUrl: sim.apiUrl, user: sim.user, key: sim.key, dispatcher, retry: fastRetry, pageSize: 10 })
  return { sim, rs }
}

/** A signed GET with the parameters in the order given; `tamper` may rewrite the final query. */
async function rawCall (
  sim: RsSimulator,
  fn: string,
  params: Array<[string, string]>,
  tamper: (query: string) => string = (q) => q,
  as: { name: string, key: string } = { name: sim.user, key: sim.key }
): Promise<{ status: number, type: string, text: string }> {
  const query = tamper(signedRsQuery(as.key, buildRsQuery(as.name, fn, params)))
  const res = await request(`${sim.apiUrl}?${query}`)
  return { status: res.statusCode, type: String(res.headers['content-type']), text: await res.body.text() }
}

/** A download URL of one size, as `get_resource_path` hands it out (RS answers one for any size). */
async function resourcePath (sim: RsSimulator, ref: number, size: string, extension = 'jpg'): Promise<string> {
  return JSON.parse((await rawCall(
    sim,
    'get_resource_path',
    [['ref', String(ref)], ['size', size], ['generate', '0'], ['extension', extension]]
  )).text) as string
}

function pngSize (bytes: Buffer): { width: number, height: number } {
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

t.test('signatures are checked the way RS checks them', async (t) => {
  const { sim } = await simulator(t)
  const ok = await rawCall(sim, 'get_system_status', [['basic', '1']])
  t.same([ok.status, ok.text], [200, '{"status":"OK"}'])

  const wrong = await rawCall(sim, 'get_system_status', [['basic', '1']], (q) => q.replace(/sign=[0-9a-f]+/, `sign=${'0'.repeat(64)}`))
  t.same([wrong.status, wrong.text], [401, 'Invalid signature'])
  t.match(wrong.type, /application\/json/, 'the plain-text refusal still claims JSON')

  const upper = await rawCall(sim, 'get_system_status', [['basic', '1']], (q) => q.replace(/sign=([0-9a-f]+)/, (_m, s: string) => `sign=${s.toUpperCase()}`))
  t.equal(upper.status, 401, 'uppercase hex fails')

  const reordered = await rawCall(
    sim,
    'get_resource_data',
    [['resource', '2']],
    (q) => q.replace('function=get_resource_data&resource=2', 'resource=2&function=get_resource_data')
  )
  t.equal(reordered.status, 401, 'reordering after signing fails')

  const reencoded = await rawCall(sim, 'get_resource_data', [['resource', '2']], (q) => q.replace('resource=2', 'resource=%32'))
  t.equal(reencoded.status, 401, 'sending %32 where 2 was signed fails')

  const signFirst = await rawCall(sim, 'get_resource_data', [['resource', '2']], (q) => {
    const [rest, sign] = q.split('&sign=')
    return `sign=${sign ?? ''}&${rest ?? ''}`
  })
  t.equal(signFirst.status, 200, 'sign may stand anywhere')

  const pretty = await rawCall(sim, 'get_system_status', [['basic', '1']], (q) => `${q}&pretty=1`)
  t.same([pretty.status, pretty.text], [200, '{\n    "status": "OK"\n}'], 'pretty is not signed and pretty-prints')

  const prettySigned = await rawCall(sim, 'get_system_status', [['basic', '1'], ['pretty', '1']])
  t.equal(prettySigned.status, 401, 'signing pretty fails')

  const otherUser = await request(`${sim.apiUrl}?${signedRsQuery(sim.key, buildRsQuery('nosuchuser', 'get_system_status', [['basic', 1]]))}`)
  t.equal(otherUser.statusCode, 401)
  await otherUser.body.dump()

  const caseless = await request(`${sim.apiUrl}?${signedRsQuery(sim.key, buildRsQuery('SpaceLink', 'get_system_status', [['basic', 1]]))}`)
  t.equal(caseless.statusCode, 200, 'user names are case-insensitive')
  await caseless.body.dump()

  const bare = await request(sim.apiUrl)
  t.same([bare.statusCode, await bare.body.text()], [401, 'Invalid signature'])
  t.equal(sim.state().rejectedSignatures, 7)
})

t.test('the POST form needs user as a field of its own', async (t) => {
  const { sim } = await simulator(t)
  const query = buildRsQuery(sim.user, 'get_data_by_field', [['ref', 5], ['field', 88]])
  const sign = createHash('sha256').update(sim.key + query).digest('hex')
  const post = async (form: Record<string, string>): Promise<[number, string]> => {
    const res = await request(
      sim.apiUrl,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() }
    )
    return [res.statusCode, await res.body.text()]
  }
  t.same(await post({ user: sim.user, query, sign }), [200, '"2024.1.2"'])
  t.same(await post({ query, sign }), [401, 'Invalid signature'])
  // Function and arguments as plain form fields: RS signs and runs the (empty) URL query instead.
  const plain = `user=${sim.user}&function=get_data_by_field&ref=5&field=88`
  t.same(
    await post({ user: sim.user, function: 'get_data_by_field', ref: '5', field: '88', sign: createHash('sha256').update(sim.key + plain).digest('hex') }),
    [401, 'Invalid signature']
  )
  t.same(
    await post({ user: sim.user, function: 'get_data_by_field', ref: '5', field: '88', sign: createHash('sha256').update(sim.key).digest('hex') }),
    [200, '']
  )
})

t.test('a wrong key reaches the client as UPSTREAM_AUTH, not retried', async (t) => {
  const { sim } = await simulator(t)
  const dispatcher = createDispatcher({ timeoutMs: 2_000 })
  t.teardown(async () => { await dispatcher.close() })
  const rs = new ResourceSpaceClient({ apiUrl: sim.apiUrl, user: sim.user, key: 'not-the-key', dispatcher, retry: fastRetry })
  const err = await rejection(rs.getSystemStatus())
  t.equal(err.code, 'UPSTREAM_AUTH')
  t.equal(sim.state().rejectedSignatures, 1)
})

t.test('argument quirks: unknown function, text in an int, positional params, arrays', async (t) => {
  const { sim, rs } = await simulator(t)
  t.match(await rawCall(sim, 'no_such_function', []), { status: 200, type: /^application\/json/, text: '' })
  t.match(await rawCall(sim, 'get_field_options', [['ref', 'abc']]), { status: 500, type: /^application\/json/, text: '' })
  t.same((await rawCall(sim, 'get_data_by_field', [['param1', '5'], ['param2', 'accessionnumber']])).text, '"2024.1.2"')
  t.equal((await rawCall(sim, 'get_resource_data', [['resource[]', '2']])).text, '{"error":true,"error_note":"Sorry, an error has occurred. "}')
  t.equal((await rawCall(sim, 'do_search', [['search[]', 'x']])).status, 500)
  t.equal((await rawCall(sim, 'get_system_status', [['basic', 'false']])).text, '{"status":"OK"}', '"false" is truthy in PHP')
  t.match(JSON.parse((await rawCall(sim, 'get_system_status', [['basic', '0']])).text), { status: 'OK', results: {} })
  t.equal((await rejection(rs.resolveFieldRef('nosuchfield'))).code, 'RS_UNKNOWN_FIELD', 'the client resolves names before asking')
})

t.test('paging with a stale cached total still returns every resource', async (t) => {
  const { sim, rs } = await simulator(t, { seed: false })
  sim.seedMany(25)
  const first = JSON.parse((await rawCall(sim, 'do_search', [['search', ''], ['fetchrows', '0,10'], ['order_by', 'resourceid'], ['sort', 'asc']])).text)
  t.equal(first.total, 25)
  sim.seedMany(12)
  const stale = JSON.parse((await rawCall(sim, 'do_search', [['search', ''], ['fetchrows', '0,10'], ['order_by', 'resourceid'], ['sort', 'asc']])).text)
  t.equal(stale.total, 25, 'the count is cached and not cleared when resources are added')
  t.equal(stale.data.length, 10)
  const short = JSON.parse((await rawCall(sim, 'do_search', [['search', ''], ['fetchrows', '30,10']])).text)
  t.same([short.total, short.data.length], [37, 7], 'a short page patches total to offset + rows')

  const rows = await rs.search('')
  t.equal(rows.length, 37)
  t.same(rows.map((r) => r.ref), Array.from({ length: 37 }, (_, i) => i + 1))
  t.equal(sim.state().calls.do_search, 3 + 4, 'four pages of ten')

  const plain = JSON.parse((await rawCall(
    sim,
    'do_search',
    [['search', ''], ['fetchrows', '3'], ['offset', '2'], ['order_by', 'resourceid'], ['sort', 'asc']]
  )).text)
  t.same(plain.map((r: { ref: number }) => r.ref), [3, 4, 5], 'integer fetchrows with offset: a plain array')
})

t.test('search_get_previews pads an integer fetchrows with zeros; the client never asks that way', async (t) => {
  const { sim, rs } = await simulator(t)
  const padded = JSON.parse((await rawCall(sim, 'search_get_previews', [['search', '!list5:8'], ['fetchrows', '1'], ['getsizes', 'thm']])).text)
  t.equal(padded.length, 2)
  t.equal(padded[1], 0)
  t.match(padded[0], { ref: 5, url_thm: /download\.php\?ref=5&size=thm/ })
  const rows = JSON.parse((await rawCall(
    sim,
    'search_get_previews',
    [['search', '!list5:8:11'], ['fetchrows', '0,10'], ['getsizes', 'thm,scr'], ['order_by', 'resourceid'], ['sort', 'asc']]
  )).text).data as Array<Record<string, unknown>>
  t.same(
    rows.map((r) => [r.ref, Object.keys(r).filter(k => k.startsWith('url_'))]),
    [[5, ['url_thm', 'url_scr']], [8, []], [11, ['url_thm']]],
    'url_<size> only for files that exist'
  )
  t.notOk('searchGetPreviews' in rs, 'the client has no use for it: structured paging of do_search plus get_resource_all_image_sizes')
})

t.test('field:value matches runs of tokens, so X also finds X.5; the client re-checks', async (t) => {
  const { sim, rs } = await simulator(t)
  sim.addResource({ ref: 300, resourceType: 1, accessionNumber: '2024.1.2.5', originalFilename: 'lid.tif', sizes: ['thm'] })
  sim.addResource({ ref: 301, resourceType: 1, accessionNumber: '2024.1.20', originalFilename: 'other.tif', sizes: ['thm'] })
  t.same((await rs.search('accessionnumber:2024.1.2')).map((r) => r.ref), [5, 300], 'RS search: X and X.5, not X0')
  t.same((await rs.search('accessionnumber:"2024.1.2"')).map((r) => r.ref), [5, 300], 'quotes do not help')
  t.same((await rs.search('accessionnumber:2024.1.2*')).map((r) => r.ref), [5, 300, 301])
  t.same((await rs.search('accessionnumber:1.2')).map((r) => r.ref), [5, 300], 'a run in the middle matches')
  t.same((await rs.search('accessionnumber:f-1972-03')).map((r) => r.ref), [14, 15, 16], 'case-insensitive')
  t.same((await rs.findByExactValue('accessionnumber', '2024.1.2')).map((r) => r.ref), [5])
  t.same((await rs.findByExactValue(88, '2024.1.2.5')).map((r) => r.ref), [300])
  t.same((await rs.findByExactValue('accessionnumber', "1985.4'b")).map((r) => r.ref), [10])
  t.same(await rs.findByExactValue('accessionnumber', '2024.1'), [])
  t.same((await rs.search('nosuchfield:abc')).length, 0)
})

t.test('terms need whitespace between them; !empty needs a numeric ref', async (t) => {
  const { sim, rs } = await simulator(t)
  t.same((await rs.search('synced:true accessionnumber:2018.3.4')).map((r) => r.ref), [12])
  t.same((await rs.search('synced:true, accessionnumber:2018.3.4')).map((r) => r.ref), [12])
  t.same(await rs.search('synced:true,accessionnumber:2018.3.4'), [], 'a comma without a space is one keyword')
  const notSynced = await rs.search('!empty89', { restypes: [1] })
  t.notOk(notSynced.some((r) => r.ref === 12), 'the synced resource is not empty')
  t.ok(notSynced.every((r) => r.resourceType === 1))
  t.equal(notSynced.length, sim.state().resources.filter((r) => r.resourceType === 1 && r.fields.synced === undefined).length)
  t.same((await rs.search('!empty89 accessionnumber:2018.3.4')), [], '!empty combines with a field term')
  t.same(await rs.search('!empty89 !empty90'), [], 'two !empty terms alone find nothing')
  t.equal((await rs.search('!emptysynced')).length, 51, 'the by-name form tests some other field')
  t.equal(
    (await rawCall(sim, 'do_search', [['search', '!empty95'], ['restypes', '1']])).text,
    '{"error":true,"error_note":"Sorry, an error has occurred. "}',
    '!empty of a field that does not apply to the types asked: an SQL error'
  )
  const missing = await rawCall(sim, 'do_search', [['search', '!empty9999']])
  t.equal(missing.status, 403)
  t.match(missing.text, /Field ID not found/)
  t.equal((await rejection(rs.search('!empty9999'))).code, 'UPSTREAM_BAD_ANSWER')
  t.same((await rs.search('@@278')).map((r) => r.ref), [12], 'node search')
})

t.test('archive states: default 0 only, a list when asked, !list ignores the filter', async (t) => {
  const { sim, rs } = await simulator(t)
  sim.addResource({ ref: 400, resourceType: 1, accessionNumber: '2030.1.1', originalFilename: 'pending.tif', sizes: ['thm'], archive: -2 })
  t.same(await rs.search('accessionnumber:2030.1.1'), [])
  t.same((await rs.search('accessionnumber:2030.1.1', { archive: [0, -2] })).map((r) => r.ref), [400])
  t.same((await rs.search('!list400:5')).map((r) => r.ref), [5, 400])
  t.same((await rs.search('!list400:5 accessionnumber:2030.1.1')).map((r) => r.ref), [400], 'text after the list narrows it')
  t.same((await rs.search('!list400:5,accessionnumber:2030.1.1')).map((r) => r.ref), [5, 400], 'after a comma it is ignored')
  t.equal((await rs.getResourceData(400)).archive, -2, 'get_resource_data returns any state')

  const created = await rawCall(sim, 'create_resource', [['resource_type', '1'], ['metadata', JSON.stringify({ 88: '2030.2.1', 8: 'New' })]])
  const ref = Number(created.text)
  t.ok(ref > 400, 'create_resource answers the new ref as an int')
  t.same(await rs.search('accessionnumber:2030.2.1'), [], 'without archive= it lands in -2, invisible by default')
  t.match(await rs.getResourceData(ref), { archive: -2, noFile: true, columns: { 8: 'New' } })
  t.equal((await rawCall(sim, 'create_resource', [['resource_type', 'photo']])).status, 500)
  t.equal((await rawCall(sim, 'get_node_id', [['value', 'true'], ['resource_type_field', '89']])).text, '278')
  t.equal((await rawCall(sim, 'get_node_id', [['value', 'maybe'], ['resource_type_field', '89']])).text, 'false')
})

t.test('findByExactValue copes with a comma in the number', async (t) => {
  const { sim, rs } = await simulator(t)
  sim.addResource({ ref: 500, resourceType: 1, accessionNumber: '2031.1,2', originalFilename: 'comma.tif', sizes: [] })
  t.same((await rs.findByExactValue('accessionnumber', '2031.1,2')).map((r) => r.ref), [500])
})

t.test('resource and field data; "not found" differs per function', async (t) => {
  const { sim, rs } = await simulator(t)
  const { resource, fields } = await rs.getResourceFields(14)
  t.match(resource, { ref: 14, resourceType: 3, fileExtension: 'tif', hasImage: true, noFile: false })
  const byName = Object.fromEntries(fields.map((f) => [f.name, f.value]))
  t.match(byName, { accessionnumber: 'F-1972-03', filmid: 'F-1972-03', originalfilename: 'daguerreotypes_still_1.tif', synced: '', title: '' })
  t.equal((await rs.getResourceFieldData(1)).some((f) => f.name === 'filmid'), false, 'a film-only field is not listed for a photo')

  t.equal((await rejection(rs.getResourceData(99999))).code, 'RESOURCE_NOT_FOUND')
  const ghost = await rs.getResourceFieldData(99999)
  t.ok(ghost.length > 0 && ghost.every((f) => f.value === ''), 'unknown resource: global fields with empty values')
  t.equal((await rawCall(sim, 'get_resource_path', [['ref', '99999'], ['size', 'scr']])).text, '""')
  t.equal((await rawCall(sim, 'get_resource_all_image_sizes', [['resource', '99999']])).text, '[]')
  t.equal((await rawCall(sim, 'get_resource_data', [['resource', 'abc']])).text, 'false')
  t.equal(await rs.getDataByField(5, 'accessionnumber'), '2024.1.2')

  t.same(
    await rawCall(sim, 'get_resource_type_fields', []),
    { status: 403, type: 'application/json; charset=utf-8', text: '[]' },
    'admin only: the least-privilege user gets 403 and []'
  )
  const typeFields = JSON.parse((await rawCall(sim, 'get_resource_type_fields', [], q => q, RS_SIMULATOR_ADMIN)).text)
  t.match(typeFields.find((f: { name: string }) => f.name === 'accessionnumber'), { ref: '88', type: '0' }, 'for a Super Admin: every value a string')
  t.equal((await rawCall(sim, 'checkperm', [['perm', 'a']])).text, 'false')
  t.equal((await rawCall(sim, 'checkperm', [['perm', 'a']], q => q, RS_SIMULATOR_ADMIN)).text, 'true')
  t.same(JSON.parse((await rawCall(sim, 'get_field_options', [['ref', '89']])).text), ['true', 'false'])
  t.match(
    JSON.parse((await rawCall(sim, 'get_resource_types', [])).text),
    [{ ref: '1', name: 'Photo' }, { ref: '2' }, { ref: '3', resource_type_fields: ['95'] }, { ref: '4' }]
  )
})

t.test('update_field: the dropdown-blanking quirk, and the client refusing before it happens', async (t) => {
  const { sim, rs } = await simulator(t)
  t.equal(await rs.getDataByField(12, 'synced'), 'true')

  const quirk = await rawCall(sim, 'update_field', [['resource', '12'], ['field', '89'], ['value', 'maybe']])
  t.equal(quirk.text, 'true', 'RS says yes …')
  t.equal(await rs.getDataByField(12, 'synced'), '', '… and empties the field')

  const writesBefore = sim.state().writes.length
  const err = await rejection(rs.updateField(12, 'synced', 'maybe'))
  t.equal(err.code, 'RS_VALUE_REFUSED')
  t.equal(sim.state().writes.length, writesBefore, 'zero writes reached RS')

  await rs.updateField(12, 'synced', 'TRUE')
  t.equal(await rs.getDataByField(12, 89), 'true', 'options match case-insensitively')
  t.equal((await rawCall(sim, 'update_field', [['resource', '12'], ['field', '89'], ['value', 'true,false']])).text, 'false', 'one value only')
  t.equal((await rawCall(sim, 'update_field', [['resource', '12'], ['field', '89'], ['value', '279'], ['nodevalues', '1']])).text, 'true')
  t.equal(await rs.getDataByField(12, 89), 'true, false', 'by node id RS adds, even to a single-choice list (as seen on a real RS)')
  t.equal(
    (await rawCall(sim, 'update_field', [['resource', '12'], ['field', '89'], ['value', 'true'], ['nodevalues', '1']])).text,
    'false',
    'a name with nodevalues=1'
  )

  await rs.updateField(12, 'spacelinkstatus', 'line 1\nline 2 & more')
  t.equal(await rs.getDataByField(12, 91), 'line 1\nline 2 & more')
  await rs.updateField(12, 91, '')
  t.equal(await rs.getDataByField(12, 91), '', 'an empty value clears')
  t.equal((await rawCall(sim, 'update_field', [['resource', '12'], ['field', 'cspaceurl']])).text, 'true', 'a missing value clears too')

  t.equal((await rawCall(sim, 'update_field', [['resource', '12'], ['field', '8'], ['value', '']])).text, 'false', 'RS refuses to blank a required field')
  t.equal((await rejection(rs.updateField(12, 'title', ''))).code, 'RS_VALUE_REFUSED', '… so the client does not even ask')
  t.equal((await rejection(rs.updateField(99999, 88, 'x'))).code, 'UPSTREAM_BAD_ANSWER')
  t.equal((await rawCall(sim, 'update_field', [['resource', '1'], ['field', '95'], ['value', 'F-1']])).text, 'false', 'field not valid for the resource type')
  t.equal((await rawCall(sim, 'update_field', [['resource', ' 12'], ['field', '88'], ['value', '2018.3.4']])).text, 'true', 'loose refs are accepted')

  const writes = sim.state().writes
  t.match(writes.at(-1), { ref: 12, field: 88, value: '2018.3.4', ok: true, at: /^\d{4}-\d\d-\d\dT/ })
  t.ok(writes.some((w) => w.ref === 99999 && !w.ok), 'refused writes are logged as refused')
})

t.test('downloads: real JPEGs, the placeholder PNG, login redirects and ranges', async (t) => {
  const { sim, rs } = await simulator(t)
  const sizes = await rs.getResourceAllImageSizes(16)
  t.same(sizes.map((s) => s.sizeCode), ['original', 'pre', 'thm'], 'only existing sizes, original first')
  t.match(sizes[1], { extension: 'jpg', width: 400 })
  t.match(
    JSON.parse((await rawCall(sim, 'get_resource_all_image_sizes', [['resource', '16']])).text)[1],
    { filesize: /^\d+&nbsp;KB$/ },
    'RS sends the size as display text'
  )

  const pre = await rs.download(sizes[1]?.url ?? '')
  t.equal(pre.headers['content-type'], 'image/jpeg')
  const bytes = Buffer.from(await pre.body.arrayBuffer())
  const image = jpeg.decode(bytes)
  t.same([image.width, image.height], [sizes[1]?.width, sizes[1]?.height], 'the JPEG has the advertised dimensions')

  const other = await rs.download(await resourcePath(sim, 15, 'pre'))
  const otherBytes = Buffer.from(await other.body.arrayBuffer())
  t.not(createHash('sha256').update(otherBytes).digest('hex'), createHash('sha256').update(bytes).digest('hex'), 'each resource has its own bytes')

  const missing = await rs.download(await resourcePath(sim, 16, 'scr'))
  t.equal(missing.statusCode, 200, 'a missing size still answers 200 …')
  t.equal(missing.headers['content-type'], 'image/png', '… with a PNG …')
  t.match(String(missing.headers['content-disposition']), /filename="download\.jpg"/, '… named download.jpg')
  const placeholder = Buffer.from(await missing.body.arrayBuffer())
  t.same([...placeholder.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG')
  t.same(pngSize(placeholder), { width: 150, height: 150 })
  const smallPlaceholder = await rs.download(await resourcePath(sim, 8, 'thm'))
  t.same(pngSize(Buffer.from(await smallPlaceholder.body.arrayBuffer())), { width: 100, height: 100 }, 'thm placeholder is 100x100')

  const original = await rs.download(await resourcePath(sim, 16, '', 'tif'))
  t.equal(original.headers['content-type'], 'image/tiff')
  t.equal(Number(original.headers['content-length']), 65536)
  await original.body.dump()
  const wrongExt = await rs.download(await resourcePath(sim, 16, ''))
  t.equal(wrongExt.headers['content-type'], 'image/png', 'a tif original asked as jpg is the placeholder')
  await wrongExt.body.dump()

  const url = await resourcePath(sim, 16, 'pre')
  const noKey = await request(url.replace(/&access_key=[^&]*/, ''))
  t.equal(noKey.statusCode, 302)
  t.match(String(noKey.headers.location), /login\.php\?url=.*&nocookies=true/)
  await noKey.body.dump()
  const otherSize = await request(url.replace('size=pre', 'size=thm'))
  t.equal(otherSize.statusCode, 302, 'the key is bound to the size')
  await otherSize.body.dump()
  t.equal((await rejection(rs.download(url.replace('ref=16', 'ref=15')))).code, 'UPSTREAM_ERROR', 'and to the resource')

  const range = await request(url, { headers: { range: 'bytes=0-99' } })
  t.equal(range.statusCode, 206)
  t.equal(range.headers['content-range'], `bytes 0-99/${bytes.length}`)
  t.equal((await range.body.arrayBuffer()).byteLength, 100)
  t.equal(sim.state().calls.download, 10, 'every download is counted, refused ones too')
})

t.test('faults: status, reset, hang, fail-after-write and latency per RS function', async (t) => {
  const { sim, rs } = await simulator(t)

  const once500 = sim.faults.add({ match: { operation: 'do_search' }, kind: 'status', status: 500, times: 1 })
  t.equal((await rs.search('accessionnumber:2024.1.2')).length, 1, 'a read survives one 500')
  t.equal(once500.hits, 1)

  sim.faults.add({ match: { operation: 'get_resource_data' }, kind: 'reset', times: 1 })
  t.equal((await rs.getResourceData(5)).ref, 5, 'a read survives one reset')

  sim.faults.add({ match: { operation: 'get_system_status' }, kind: 'status', status: 503 })
  const down = await rejection(rs.getSystemStatus())
  t.match(down, { code: 'UPSTREAM_ERROR', upstreamStatus: 503 })
  t.equal(sim.faults.list()[0]?.hits, 3, 'first attempt and two retries')
  sim.faults.clear()
  t.same(await rs.getSystemStatus(), { status: 'OK' })

  sim.faults.add({ match: (req) => req.operation === 'update_field', kind: 'fail-after-write', times: 1 })
  await rs.updateField(5, 'cspaceurl', 'https://cs.example/csid-5')
  t.equal(await rs.getDataByField(5, 90), 'https://cs.example/csid-5', 'the write happened although its first answer was lost')
  t.same(
    sim.state().writes.filter((w) => w.ref === 5).map(w => w.value),
    ['https://cs.example/csid-5', 'https://cs.example/csid-5'],
    'and was repeated with the same value: harmless'
  )

  const hangDispatcher = createDispatcher({ timeoutMs: 200 })
  t.teardown(async () => { await hangDispatcher.destroy() })
  const impatient = new ResourceSpaceClient({
    apiUrl: sim.apiUrl,
    user: sim.user,
    key: sim.key,
    dispatcher: hangDispatcher,
    retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 }
  })
  sim.faults.add({ match: { operation: 'get_resource_all_image_sizes' }, kind: 'hang', times: 1 })
  t.equal((await rejection(impatient.getResourceAllImageSizes(5))).code, 'UPSTREAM_TIMEOUT')

  sim.faults.add({ match: { operation: 'download' }, kind: 'status', status: 404, times: 1 })
  t.match(await rejection(rs.download(await resourcePath(sim, 5, 'thm'))), { code: 'UPSTREAM_ERROR', upstreamStatus: 404 })

  sim.setLatency(120)
  let started = performance.now()
  await rs.getSystemStatus()
  t.ok(performance.now() - started >= 110, 'latency is added to every answer')
  sim.setLatency(0)

  const slow = sim.faults.add({ match: { method: 'GET', path: '/api/' }, kind: 'latency', ms: 150, times: 2 })
  started = performance.now()
  await Promise.all([rs.getSystemStatus(), rs.getSystemStatus()])
  t.ok(performance.now() - started >= 140, 'a latency fault delays matching requests')
  t.equal(slow.hits, 2)
  t.same(sim.faults.list(), [], 'a fault with times is gone once used up')

  const removable = sim.faults.add({ match: { operation: 'get_system_status' }, kind: 'status', status: 500, body: 'boom' })
  removable.remove()
  t.same(await rs.getSystemStatus(), { status: 'OK' }, 'a removed fault no longer fires')
})

t.test('the state page needs no signature; the app also works with inject', async (t) => {
  const { sim, rs } = await simulator(t)
  await rs.updateField(2, 'cspaceurl', 'https://cs.example/csid-2')
  const res = await request(`${sim.baseUrl}__sim/state?resources=0`)
  const state = await res.body.json() as { resources: unknown[], writes: Array<{ ref: number }>, calls: Record<string, number> }
  t.same(state.resources, [])
  t.same(state.writes.map((w) => w.ref), [2])
  t.equal(state.calls.update_field, 1)
  t.match(sim.state().resources.find((r) => r.ref === 2), { fields: { cspaceurl: 'https://cs.example/csid-2', accessionnumber: '2020.1.1' } })

  const built = buildResourceSpaceApp({ seed: false })
  t.teardown(async () => { await built.app.close() })
  const query = signedRsQuery(RS_SIMULATOR_KEY, buildRsQuery('spacelink', 'get_system_status', [['basic', 1]]))
  const injected = await built.app.inject({ method: 'GET', url: `/api/?${query}` })
  t.same([injected.statusCode, injected.body], [200, '{"status":"OK"}'])
  t.equal(built.store.resources.size, 0, 'seed: false starts empty')
})
