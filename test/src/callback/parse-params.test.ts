import t from 'tap'
import { parseCallbackParams, parseFormBody } from '../../../src/callback/parse-params.js'
import { SpacelinkError } from '../../../src/errors.js'

t.test('the api_webhooks bare-ref body is read as the rsid, not as a key named 42', async t => {
  const p = parseCallbackParams({ query_type: 'validate-cspace-id', rsid: '42' }, '42')
  t.equal(p.rsid, 42)
  t.equal(p.bareRef, true)
  t.same(parseFormBody('42'), { fields: {}, bareRef: '42' })
})

t.test('query string, form and JSON bodies give the same parameters', async t => {
  const fromQuery = parseCallbackParams({ rsid: '7', query_type: 'push-resource', force: 'true', size: 'scr' }, undefined)
  const fromForm = parseCallbackParams({}, 'rsid=7&query_type=push-resource&force=true&size=scr')
  const fromJson = parseCallbackParams({}, { rsid: 7, query_type: 'push-resource', force: true, size: 'scr' })
  t.same(fromForm, fromQuery)
  t.same(fromJson, fromQuery)
  t.equal(fromQuery.force, true)
  t.equal(fromQuery.bareRef, false)
})

t.test('the hash RS appends and reply=rs are understood', async t => {
  const hash = 'a269279e11c0fa5be8f6acb856625e91c5321e00e141825fb4b24370d2ea3c29'
  const p = parseCallbackParams({ query_type: 'status', rsid: '2', hash, reply: 'rs' }, undefined)
  t.equal(p.hash, hash)
  t.equal(p.replyRs, true)
})

const bad: Array<[string, unknown, unknown]> = [
  ['missing rsid', { query_type: 'status' }, undefined],
  ['zero rsid', { rsid: '0', query_type: 'status' }, undefined],
  ['negative rsid', { rsid: '-1', query_type: 'status' }, undefined],
  ['rsid with a leading plus', { rsid: '+5', query_type: 'status' }, undefined],
  ['rsid 2^31', { rsid: String(2 ** 31), query_type: 'status' }, undefined],
  ['decimal rsid', { rsid: '1.5', query_type: 'status' }, undefined],
  ['hex rsid', { rsid: '0x10', query_type: 'status' }, undefined],
  ['rsid with SQL', { rsid: '1 OR 1=1', query_type: 'status' }, undefined],
  ['missing query_type', { rsid: '1' }, undefined],
  ['unknown query_type', { rsid: '1', query_type: 'delete-everything' }, undefined],
  ['query_type in another case', { rsid: '1', query_type: 'STATUS' }, undefined],
  ['repeated rsid', { rsid: ['1', '2'], query_type: 'status' }, undefined],
  ['unknown parameter', { rsid: '1', query_type: 'status', evil: 'x' }, undefined],
  ['bad instance name', { rsid: '1', query_type: 'status', instance: "art'; drop" }, undefined],
  ['bad size', { rsid: '1', query_type: 'push-resource', size: '../../etc' }, undefined],
  ['bad dry_run', { rsid: '1', query_type: 'retrieve-metadata', dry_run: 'maybe' }, undefined],
  ['bad hash', { rsid: '1', query_type: 'status', hash: 'zz' }, undefined],
  ['bad reply', { rsid: '1', query_type: 'status', reply: 'html' }, undefined],
  ['body rsid differs from URL rsid', { rsid: '1', query_type: 'status' }, '2'],
  ['form rsid differs from URL rsid', { rsid: '1', query_type: 'status' }, 'rsid=2'],
  ['JSON body is an array', {}, [1, 2]],
  ['JSON value is an object', {}, { rsid: { $gt: 1 }, query_type: 'status' }],
  ['bad transaction id', { rsid: '1', query_type: 'revert', transaction: '../x' }, undefined]
]

for (const [name, query, body] of bad) {
  t.test(`400 for ${name}`, async t => {
    const err = t.throws(() => parseCallbackParams(query, body)) as unknown
    t.ok(err instanceof SpacelinkError)
    t.equal((err as SpacelinkError).status, 400)
    t.equal((err as SpacelinkError).code, 'INVALID_INPUT')
  })
}
