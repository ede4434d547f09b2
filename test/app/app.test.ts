/** App-wide behaviour: health and readiness, problem bodies on every error path, 405, OpenAPI, HTML. */
import t from 'tap'
import { startHarness } from '../helpers/harness.js'

t.test('/health answers without touching anything; /ready checks the database', async t => {
  const h = await startHarness(t)
  const health = await h.app.inject({ method: 'GET', url: '/health' })
  t.equal(health.statusCode, 200)
  t.same(health.json(), { status: 'ok' })
  const ready = await h.app.inject({ method: 'GET', url: '/ready' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready', database: 'sqlite', instances: ['art', 'film'] })
  t.same(h.rs.state().calls, {}, 'no upstream call for either')
})

t.test('a database that is down: /ready is 503 and callbacks refuse with a clear problem, without acting', async t => {
  const h = await startHarness(t)
  await h.app.spacelink.store.close()
  const ready = await h.app.inject({ method: 'GET', url: '/ready' })
  t.equal(ready.statusCode, 503)
  t.equal(ready.json().code, 'NOT_READY')
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=push-resource', headers: { 'x-api-key': h.keys.button } })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(res.json().code, 'STORE_UNAVAILABLE')
  t.equal(h.rs.state().writes.length, 0)
  t.same(h.cs.state().calls, {}, 'nothing was done without memory')
})

t.test('wrong method on a known path is 405 with Allow; unknown path 404; both problem+json', async t => {
  const h = await startHarness(t)
  const wrong = await h.app.inject({ method: 'PATCH', url: '/api/v1/links' })
  t.equal(wrong.statusCode, 405)
  t.match(wrong.headers.allow, /GET/)
  t.equal(wrong.json().code, 'METHOD_NOT_ALLOWED')
  const callback = await h.app.inject({ method: 'DELETE', url: '/api/v1/callback' })
  t.equal(callback.headers.allow, 'GET, HEAD, POST')
  const missing = await h.app.inject({ method: 'GET', url: '/nope' })
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().code, 'NOT_FOUND')
})

t.test('the OpenAPI document lists the routes; /docs serves the browsable docs', async t => {
  const h = await startHarness(t)
  const doc = await h.app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(doc.statusCode, 200)
  const paths = Object.keys(doc.json().paths)
  for (const p of ['/api/v1/callback', '/api/v1/transactions', '/api/v1/links/{id}', '/api/v1/sync-runs', '/health', '/ready']) t.ok(paths.includes(p), p)
  const docs = await h.app.inject({ method: 'GET', url: '/docs/' })
  t.equal(docs.statusCode, 200)
})

t.test('a browser: GET shows a confirmation page and writes nothing; the form POST shows the result page', async t => {
  const h = await startHarness(t)
  const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
  const page = await h.app.inject({ method: 'GET', url: `/api/v1/callback?rsid=2&query_type=retrieve-metadata&key=${h.keys.button}`, headers: { accept } })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.body, /<form method="post"/)
  t.match(page.body, /Copy metadata from CollectionSpace/)
  t.equal(h.rs.state().writes.length, 0, 'a GET never writes')
  t.same(Object.keys(h.cs.state().calls).filter(call => !call.startsWith('GET ')), [], 'it only reads CS (to show the match)')
  t.equal((await h.app.inject({ method: 'GET', url: '/api/v1/transactions', headers: { 'x-api-key': h.keys.admin } })).json().page.totalElements, 0, 'and records nothing')

  const result = await h.app.inject({
    method: 'POST',
    url: '/api/v1/callback',
    headers: { accept, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `rsid=2&query_type=retrieve-metadata&key=${h.keys.button}`
  })
  t.equal(result.statusCode, 200)
  t.match(result.headers['content-type'], /^text\/html/)
  t.match(result.body, /<span class="word">Metadata copied from CollectionSpace<\/span> <span class="badge">updated<\/span>/)
  t.match(result.body, /Georgia O&#39;Keeffe; Alfred Stieglitz/)
  t.match(result.body, /Back to the ResourceSpace resource/)
  t.match(result.body, /Open the CollectionSpace record/)

  const validated = await h.app.inject({ method: 'POST', url: '/api/v1/callback', headers: { accept, 'content-type': 'application/x-www-form-urlencoded' }, payload: `rsid=1&query_type=validate-cspace-id&key=${h.keys.button}` })
  t.match(validated.body, /<th scope="row" data-label="Field">CollectionSpace record<\/th>/, 'the page lists the fields written (by their RS titles) when there is no metadata diff')

  const refused = await h.app.inject({ method: 'POST', url: '/api/v1/callback', headers: { accept, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'rsid=4&query_type=validate-cspace-id&key=nope' })
  t.equal(refused.statusCode, 401)
  t.match(refused.headers['content-type'], /^text\/html/, 'browsers get their refusals as a page too')
})

t.test('rate limit per key answers 429 problem+json', async t => {
  const h = await startHarness(t, { configure: c => { c.server.rateLimit = { max: 3, timeWindow: '1 minute' } } })
  const codes: number[] = []
  for (let i = 0; i < 4; i++) {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=status', headers: { 'x-api-key': h.keys.button } })
    codes.push(res.statusCode)
    if (res.statusCode === 429) t.equal(res.json().code, 'RATE_LIMITED')
  }
  t.same(codes, [200, 200, 200, 429])
})

t.test('the REST views page with HAL links', async t => {
  const h = await startHarness(t)
  for (const rsid of [1, 2, 5]) await h.app.inject({ method: 'POST', url: `/api/v1/callback?rsid=${rsid}&query_type=validate-cspace-id`, headers: { 'x-api-key': h.keys.button } })
  const page = await h.app.inject({ method: 'GET', url: '/api/v1/transactions?size=2&sort=rsid,asc', headers: { 'x-api-key': h.keys.admin } })
  t.equal(page.statusCode, 200)
  const body = page.json()
  t.same(body.page, { size: 2, totalElements: 3, totalPages: 2, number: 0 })
  t.same(body._embedded.transactions.map((x: { rsid: number }) => x.rsid), [1, 2])
  t.match(body._links.next.href, /^http:\/\/spacelink\.test\/api\/v1\/transactions\?sort=rsid%2Casc&page=1&size=2$/)
  t.notOk(body._links.prev)
  const filtered = await h.app.inject({ method: 'GET', url: '/api/v1/transactions?rsid=5', headers: { 'x-api-key': h.keys.admin } })
  t.equal(filtered.json().page.totalElements, 1)
  const instances = await h.app.inject({ method: 'GET', url: '/api/v1/instances', headers: { 'x-api-key': h.keys.admin } })
  t.notMatch(instances.body, /password|demo"/, 'no secrets')
})
