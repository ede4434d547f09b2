/**
 * The bad-input corpus: every case gets a 4xx problem+json with a stable code, and neither simulator
 * records a single write (nor, for most, a single call).
 */
import t from 'tap'
import { startHarness } from '../helpers/harness.js'

interface Case {
  name: string
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'
  url: string
  headers?: Record<string, string>
  body?: string
  status: number
  code?: string
}

const key = 'demo-button-key-0123456789'
const admin = 'demo-admin-key-0123456789'
const k = { 'x-api-key': key }
const form = { ...k, 'content-type': 'application/x-www-form-urlencoded' }
const jsonType = { ...k, 'content-type': 'application/json' }
const cb = '/api/v1/callback'

const cases: Case[] = [
  { name: 'no key', url: `${cb}?rsid=1&query_type=validate-cspace-id`, headers: {}, status: 401, code: 'UNAUTHORIZED' },
  { name: 'wrong key', url: `${cb}?rsid=1&query_type=validate-cspace-id`, headers: { 'x-api-key': 'wrong-key-000000000000' }, status: 401 },
  { name: 'wrong bearer', url: `${cb}?rsid=1&query_type=validate-cspace-id`, headers: { authorization: 'Bearer nope' }, status: 401 },
  { name: 'basic auth instead of a key', url: `${cb}?rsid=1&query_type=validate-cspace-id`, headers: { authorization: 'Basic YTpi' }, status: 401 },
  { name: 'wrong key in the URL', url: `${cb}?rsid=1&query_type=validate-cspace-id&key=nope`, headers: {}, status: 401 },
  {
    name: 'hash of another resource',
    url: `${cb}?rsid=1&query_type=push-resource&hash=${'0'.repeat(64)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '1',
    status: 401
  },
  { name: 'button key on the admin API', method: 'GET', url: '/api/v1/transactions', headers: k, status: 403, code: 'FORBIDDEN' },
  { name: 'button key starting a sync', url: '/api/v1/sync-runs', headers: jsonType, body: '{"instance":"art"}', status: 403 },
  { name: 'missing rsid', url: `${cb}?query_type=validate-cspace-id`, headers: k, status: 400, code: 'INVALID_INPUT' },
  { name: 'missing query_type', url: `${cb}?rsid=1`, headers: k, status: 400 },
  { name: 'unknown query_type', url: `${cb}?rsid=1&query_type=drop-table`, headers: k, status: 400 },
  { name: 'rsid zero', url: `${cb}?rsid=0&query_type=status`, headers: k, status: 400 },
  { name: 'rsid negative', url: `${cb}?rsid=-4&query_type=status`, headers: k, status: 400 },
  { name: 'rsid too large', url: `${cb}?rsid=2147483648&query_type=status`, headers: k, status: 400 },
  { name: 'rsid not a number', url: `${cb}?rsid=abc&query_type=status`, headers: k, status: 400 },
  { name: 'rsid with SQL', url: `${cb}?rsid=1%20OR%201%3D1&query_type=status`, headers: k, status: 400 },
  { name: 'rsid with a path', url: `${cb}?rsid=..%2F..%2Fetc&query_type=status`, headers: k, status: 400 },
  { name: 'rsid float', url: `${cb}?rsid=1.0&query_type=status`, headers: k, status: 400 },
  { name: 'rsid repeated', url: `${cb}?rsid=1&rsid=2&query_type=status`, headers: k, status: 400 },
  { name: 'unknown parameter', url: `${cb}?rsid=1&query_type=status&admin=true`, headers: k, status: 400 },
  { name: 'unknown instance', url: `${cb}?rsid=1&query_type=validate-cspace-id&instance=nosuch`, headers: k, status: 400, code: 'UNKNOWN_INSTANCE' },
  { name: 'instance with quotes', url: `${cb}?rsid=1&query_type=validate-cspace-id&instance=art'--`, headers: k, status: 400 },
  { name: 'size with a path', url: `${cb}?rsid=1&query_type=push-resource&size=..%2Fx`, headers: k, status: 400 },
  { name: 'size with XML', url: `${cb}?rsid=1&query_type=push-resource&size=%3Cx%3E`, headers: k, status: 400 },
  { name: 'a size neither RS nor the configuration has (zzz)', url: `${cb}?rsid=1&query_type=push-resource&size=zzz`, headers: k, status: 400 },
  { name: 'dry_run not a boolean', url: `${cb}?rsid=1&query_type=retrieve-metadata&dry_run=perhaps`, headers: k, status: 400 },
  { name: 'force not a boolean', url: `${cb}?rsid=1&query_type=push-resource&force=yes`, headers: k, status: 400 },
  { name: 'revert without transaction', url: `${cb}?rsid=1&query_type=revert`, headers: k, status: 400 },
  {
    name: 'revert of an unknown transaction',
    url: `${cb}?rsid=1&query_type=revert&transaction=00000000-0000-0000-0000-000000000000`,
    headers: k,
    status: 404,
    code: 'TRANSACTION_NOT_FOUND'
  },
  { name: 'bare-ref body differs from the URL', url: `${cb}?rsid=1&query_type=validate-cspace-id`, headers: form, body: '2', status: 400 },
  { name: 'form rsid differs from the URL', url: `${cb}?rsid=1&query_type=validate-cspace-id`, headers: form, body: 'rsid=2', status: 400 },
  { name: 'form with an unknown field', url: cb, headers: form, body: 'rsid=1&query_type=status&x=1', status: 400 },
  { name: 'form repeated field', url: cb, headers: form, body: 'rsid=1&rsid=1&query_type=status', status: 400 },
  { name: 'JSON with rsid as an object', url: cb, headers: jsonType, body: '{"rsid":{"$ne":0},"query_type":"status"}', status: 400 },
  { name: 'JSON with rsid as a list', url: cb, headers: jsonType, body: '{"rsid":[1],"query_type":"status"}', status: 400 },
  { name: 'JSON array body', url: cb, headers: jsonType, body: '[1,2]', status: 400 },
  { name: 'malformed JSON', url: cb, headers: jsonType, body: '{"rsid":', status: 400 },
  { name: 'prototype pollution JSON', url: cb, headers: jsonType, body: '{"__proto__":{"admin":true},"rsid":1,"query_type":"status"}', status: 400 },
  { name: 'text/plain body', url: cb, headers: { ...k, 'content-type': 'text/plain' }, body: 'rsid=1', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'XML body', url: cb, headers: { ...k, 'content-type': 'application/xml' }, body: '<rsid>1</rsid>', status: 415 },
  { name: 'multipart body', url: cb, headers: { ...k, 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--', status: 415 },
  { name: 'oversized body', url: cb, headers: form, body: `rsid=1&query_type=status&size=${'a'.repeat(70_000)}`, status: 413, code: 'BODY_TOO_LARGE' },
  { name: 'PUT on the callback', method: 'PUT', url: cb, headers: k, status: 405, code: 'METHOD_NOT_ALLOWED' },
  { name: 'DELETE on the callback', method: 'DELETE', url: cb, headers: k, status: 405 },
  { name: 'DELETE a transaction', method: 'DELETE', url: '/api/v1/transactions/x', headers: { 'x-api-key': admin }, status: 405 },
  { name: 'unknown path', method: 'GET', url: '/api/v1/nothing-here', headers: k, status: 404, code: 'NOT_FOUND' },
  { name: 'unknown transaction id', method: 'GET', url: '/api/v1/transactions/nope', headers: { 'x-api-key': admin }, status: 404 },
  { name: 'transaction id with SQL', method: 'GET', url: "/api/v1/transactions/1'%20or%20'1'='1", headers: { 'x-api-key': admin }, status: 400 },
  { name: 'negative page', method: 'GET', url: '/api/v1/transactions?page=-1', headers: { 'x-api-key': admin }, status: 400 },
  { name: 'unknown sort field', method: 'GET', url: '/api/v1/transactions?sort=password,asc', headers: { 'x-api-key': admin }, status: 400 },
  {
    name: 'sync of an unknown instance',
    url: '/api/v1/sync-runs',
    headers: { 'x-api-key': admin, 'content-type': 'application/json' },
    body: '{"instance":"nosuch"}',
    status: 400
  },
  {
    name: 'sync with an unknown option',
    url: '/api/v1/sync-runs',
    headers: { 'x-api-key': admin, 'content-type': 'application/json' },
    body: '{"instance":"art","everything":true}',
    status: 400
  }
]

t.test('every bad request is a 4xx problem and writes nothing upstream', async t => {
  const h = await startHarness(t)
  t.ok(cases.length >= 40, `${cases.length} cases`)
  for (const c of cases) {
    const res = await h.app.inject({ method: c.method ?? 'POST', url: c.url, headers: c.headers ?? {}, ...(c.body === undefined ? {} : { payload: c.body }) })
    t.equal(res.statusCode, c.status, `${c.name}: ${c.status}`)
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${c.name}: problem+json`)
    const body = res.json()
    t.equal(body.status, c.status, `${c.name}: status member`)
    t.type(body.code, 'string', `${c.name}: has a code`)
    if (c.code !== undefined) t.equal(body.code, c.code, `${c.name}: code ${c.code}`)
    if (c.status === 405) t.ok(res.headers.allow, `${c.name}: Allow header`)
    if (c.status === 401) t.notMatch(res.body, /demo-|wrong-key/, `${c.name}: no key echoed`)
  }
  t.equal(h.rs.state().writes.length, 0, 'no RS write')
  t.equal(h.cs.state().writes.length, 0, 'no CS write')
  t.same(Object.keys(h.cs.state().calls), [], 'CS never even asked')
})

t.test('accession numbers with quotes, backslashes, %, *, newlines and XML reach CS escaped and match exactly', async t => {
  const h = await startHarness(t)
  const nasty = ["O'Brien\\2020.1", '2020.1%', '2020.*', "2020.1'; DROP", '2020.1\nobjectNumber', '<x>&amp;</x>']
  for (const [i, number] of nasty.entries()) {
    const rsid = 900 + i
    h.rs.addResource({ ref: rsid, resourceType: 1, accessionNumber: number, originalFilename: `n${i}.tif`, sizes: ['thm'] })
    const res = await h.app.inject({ method: 'POST', url: `${cb}?rsid=${rsid}&query_type=validate-cspace-id`, headers: k })
    t.equal(res.statusCode, 422, `${JSON.stringify(number)} is not found, not an error`)
    t.equal(res.json().outcome, 'not-found')
  }
  h.cs.addObject({ tenant: 'art', csid: 'feed0000-0001-4000-8001', objectNumber: "O'Brien\\2020.1", title: 'Escaped', makers: [], updatedAt: '2026-01-01T00:00:00.000Z' })
  const found = await h.app.inject({ method: 'POST', url: `${cb}?rsid=900&query_type=validate-cspace-id`, headers: k })
  t.equal(found.statusCode, 200)
  t.equal(found.json().object.csid, 'feed0000-0001-4000-8001')
  t.equal(h.cs.state().media.length, 0)
})
