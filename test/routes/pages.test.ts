/**
 * The pages for people over HTTP (no browser): who may open them, what every refusal looks like, and that
 * a refused request writes nothing — not into RS, not into CS, not into spacelink's log. Sign-in, the
 * session cookie's attributes, CSRF on every button, and the status page's filters.
 */
import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { startHarness, type Harness } from '../helpers/harness.js'

const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
const form = { accept: browser, 'content-type': 'application/x-www-form-urlencoded' }

/** The cookies a response sets, as a Cookie header (name=value; …), merged over earlier ones. */
function cookies (res: LightMyRequestResponse, earlier = ''): string {
  const jar = new Map(earlier.split('; ').filter(c => c !== '').map(c => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)]))
  for (const c of res.cookies as Array<{ name: string, value: string }>) jar.set(c.name, c.value)
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
}

function csrfOf (html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
  if (token === undefined) throw new Error('no CSRF token on the page')
  return token
}

/** Signs in with the admin key the way a browser does; returns the Cookie header and a fresh form token. */
async function signIn (h: Harness): Promise<{ cookie: string, csrf: string }> {
  const page = await h.app.inject({ method: 'GET', url: '/login', headers: { accept: browser } })
  let cookie = cookies(page)
  const res = await h.app.inject({ method: 'POST', url: '/login', headers: { ...form, cookie }, payload: `_csrf=${encodeURIComponent(csrfOf(page.body))}&next=%2F&key=${h.keys.admin}` })
  if (res.statusCode !== 303) throw new Error(`sign-in failed: ${res.statusCode}`)
  cookie = cookies(res, cookie)
  const status = await h.app.inject({ method: 'GET', url: '/', headers: { accept: browser, cookie } })
  return { cookie: cookies(status, cookie), csrf: csrfOf(status.body) }
}

/** Nothing reached RS or CS as a write, and spacelink recorded no action. */
async function nothingWritten (t: Test, h: Harness, what: string): Promise<void> {
  t.equal(h.rs.state().writes.length, 0, `${what}: no RS write`)
  t.same(Object.keys(h.cs.state().calls).filter(c => !c.startsWith('GET ')), [], `${what}: no CS write`)
  t.equal((await h.app.spacelink.store.transactions.list({ page: 0, size: 1 })).total, 0, `${what}: no action recorded`)
}

t.test('the confirmation page: only for callers who may press; reads, never writes', async t => {
  const h = await startHarness(t)
  const none = await h.app.inject({ method: 'GET', url: '/api/v1/callback?rsid=2&query_type=retrieve-metadata', headers: { accept: browser } })
  t.equal(none.statusCode, 401, 'no key, no hash, no sign-in: refused')
  t.match(none.headers['content-type'], /^text\/html/)
  t.match(none.body, /an API key is required/)
  t.match(none.body, /href="http:\/\/spacelink\.test\/login\?next=/, 'with the way to sign in')
  const wrong = await h.app.inject({ method: 'GET', url: '/api/v1/callback?rsid=2&query_type=retrieve-metadata&key=not-a-key-0000000000', headers: { accept: browser } })
  t.equal(wrong.statusCode, 401, 'a wrong key: refused')
  t.notMatch(wrong.body, /\/login/, 'a caller who gave a key is not sent to the sign-in')
  const hashRevert = await h.app.inject({ method: 'GET', url: `/api/v1/callback?rsid=2&query_type=revert&transaction=x&hash=${h.hash(2)}`, headers: { accept: browser } })
  t.equal(hashRevert.statusCode, 403, 'a hash may not revert: said before the press')
  t.same(h.rs.state().calls, {}, 'the refused pages asked RS nothing')
  t.same(h.cs.state().calls, {}, 'nor CS')

  const page = await h.app.inject({ method: 'GET', url: `/api/v1/callback?rsid=2&query_type=push-resource&hash=${h.hash(2)}`, headers: { accept: browser } })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-security-policy'], /default-src 'none'; style-src 'sha256-[^']+'; img-src 'self' data: http:\/\/127\.0\.0\.1:\d+; form-action 'self'/, 'no script may run, images only from RS')
  t.equal(page.headers['referrer-policy'], 'no-referrer', 'the URL (which may carry a key) never leaves as a Referer')
  t.match(page.headers['cache-control'], /no-store/)
  const csrfCookie = (page.cookies as Array<{ name: string, httpOnly?: boolean, sameSite?: string, path?: string }>).find(c => c.name === 'spacelink-csrf')
  t.match(csrfCookie, { httpOnly: true, sameSite: 'Strict', path: '/' }, 'the CSRF secret: HttpOnly, SameSite=Strict')
  t.match(page.body, /name="hash" value="[0-9a-f]{64}"/, 'the button repeats the hash')
  t.match(page.body, /The <strong>scr<\/strong> image \(\d+ × \d+ pixels\) will be sent to CollectionSpace as a new media record/)
  t.match(page.body, /Synced to CollectionSpace/)
  await nothingWritten(t, h, 'the confirmation page')
})

t.test('the confirmation page names what would go wrong before the press', async t => {
  const h = await startHarness(t)
  const get = async (rsid: number, query: string): Promise<string> =>
    (await h.app.inject({ method: 'GET', url: `/api/v1/callback?rsid=${rsid}&query_type=${query}&key=${h.keys.button}`, headers: { accept: browser } })).body
  t.match(await get(6, 'validate-cspace-id'), /No CollectionSpace record has this accession number/)
  t.match(await get(7, 'validate-cspace-id'), /The resource has no accession number/)
  t.match(await get(13, 'validate-cspace-id'), /This kind of resource is not linked to CollectionSpace/)
  t.match(await get(8, 'push-resource'), /No image can be sent:/)
  t.match(await get(14, 'push-resource-group'), /3 resource\(s\) share the group value <strong>F-1972-03<\/strong>: 14, 15, 16/)
  t.match(await get(1, 'status'), /Nothing will be written/)
  t.match(await get(2, 'revert&transaction=no-such-transaction'), /spacelink has no transaction no-such-transaction for this resource/)
  await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=push-resource', headers: { 'x-api-key': h.keys.button } })
  const writes = h.rs.state().writes.length
  t.match(await get(1, 'push-resource'), /already in CollectionSpace \(media <code>[0-9a-f-]+<\/code>\): spacelink checks it is still there/)
  h.rs.faults.add({ match: { operation: 'get_resource_field_data' }, kind: 'status', status: 503 })
  t.match(await get(5, 'validate-cspace-id'), /spacelink could not look everything up just now/, 'RS down: the page still offers the button')
  t.equal(h.rs.state().writes.length, writes, 'none of these pages wrote into RS')
})

t.test('the revert confirmation promises what the press does: fields to put back, and a conflict when one was edited since', async t => {
  const h = await startHarness(t)
  const page = async (tx: string): Promise<string> =>
    (await h.app.inject({ method: 'GET', url: `/api/v1/callback?rsid=2&query_type=revert&transaction=${tx}&key=${h.keys.button}`, headers: { accept: browser } })).body
  const press = async (tx: string): Promise<string> =>
    (await h.app.inject({ method: 'POST', url: `/api/v1/callback?rsid=2&query_type=revert&transaction=${tx}`, headers: { 'x-api-key': h.keys.button, accept: 'application/json' } })).json().outcome
  const retrieve = async (): Promise<string> =>
    (await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=2&query_type=retrieve-metadata', headers: { 'x-api-key': h.keys.button, accept: 'application/json' } })).json().transaction

  h.editRsField(2, 'title', 'Working title')
  const first = await retrieve()
  const clean = await page(first)
  t.match(clean, /Fields put back/)
  t.match(clean, /Working title/, 'the title goes back to what the registrar had')
  t.notMatch(clean, /Nothing can be put back/)

  h.editRsField(2, 'title', 'Edited by a registrar')
  const conflicted = await page(first)
  t.match(conflicted, /Nothing can be put back: Title changed in ResourceSpace since transaction/)
  t.notMatch(conflicted, /Fields put back/, 'no field is offered for a revert the press will refuse')
  const writes = h.rs.state().writes.length
  t.equal(await press(first), 'conflict', 'and the press refuses, as the page said')
  t.equal(h.rsField(2, 8), 'Edited by a registrar')
  t.ok(h.rs.state().writes.length - writes <= 1, 'only the status sentence was written')
})

t.test('buttons: a cookie-only caller needs the form token; a present token is always checked', async t => {
  const h = await startHarness(t)
  const { cookie, csrf } = await signIn(h)
  const press = async (payload: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> =>
    await h.app.inject({ method: 'POST', url: '/api/v1/callback', headers: { ...form, cookie, ...headers }, payload })

  const missing = await press('rsid=2&query_type=retrieve-metadata')
  t.equal(missing.statusCode, 403, 'signed in, no token: refused')
  t.match(missing.headers['content-type'], /^text\/html/, 'as a page')
  t.match(missing.body, /The form has expired/)
  const forged = await press('rsid=2&query_type=retrieve-metadata&_csrf=forged-token')
  t.equal(forged.statusCode, 403, 'a wrong token: refused')
  const json = await press('rsid=2&query_type=retrieve-metadata&_csrf=forged-token', { accept: 'application/json' })
  t.equal(json.json().code, 'CSRF_INVALID', 'programs get the problem code')
  const keyed = await h.app.inject({ method: 'POST', url: '/api/v1/callback', headers: form, payload: `rsid=2&query_type=retrieve-metadata&key=${h.keys.button}&_csrf=stale` })
  t.equal(keyed.statusCode, 403, 'a key with a wrong token: the token is still checked')
  const signedOut = await h.app.inject({ method: 'POST', url: '/api/v1/callback', headers: form, payload: `rsid=2&query_type=retrieve-metadata&_csrf=${csrf}` })
  t.equal(signedOut.statusCode, 403, 'a token without its cookie is worth nothing')
  const anonymous = await h.app.inject({ method: 'POST', url: '/api/v1/callback', headers: form, payload: 'rsid=2&query_type=retrieve-metadata' })
  t.equal(anonymous.statusCode, 401, 'no credential at all: 401, not a CSRF refusal')
  await nothingWritten(t, h, 'refused presses')

  const confirm = await h.app.inject({ method: 'GET', url: '/api/v1/callback?rsid=2&query_type=retrieve-metadata', headers: { accept: browser, cookie } })
  t.equal(confirm.statusCode, 200, 'signed in, a link without a key opens the confirmation page')
  t.notMatch(confirm.body, /name="key"/, 'and its button carries no key: the sign-in and the token do')
  t.match(confirm.body, /Sign out/, 'the signed-in header')
  await nothingWritten(t, h, 'the signed-in confirmation page')

  const pressed = await press(`rsid=2&query_type=retrieve-metadata&_csrf=${encodeURIComponent(csrf)}`)
  t.equal(pressed.statusCode, 200, 'signed in with the page\'s token: done')
  t.match(pressed.body, /Back to the status page/, 'and the way back to the status page')
  t.equal(h.rsField(2, 92), "Georgia O'Keeffe; Alfred Stieglitz")
  const tx = await h.app.spacelink.store.transactions.list({ page: 0, size: 1 })
  t.equal(tx.items[0]?.caller, 'browser')
})

t.test('the status page: sign-in, session cookie, sign-out', async t => {
  const h = await startHarness(t)
  const html = await h.app.inject({ method: 'GET', url: '/', headers: { accept: browser } })
  t.equal(html.statusCode, 303, 'not signed in: to the sign-in')
  t.equal(html.headers.location, 'http://spacelink.test/login?next=%2F')
  const detail = await h.app.inject({ method: 'GET', url: '/status/transactions/abc', headers: { accept: browser } })
  t.equal(detail.headers.location, 'http://spacelink.test/login?next=%2Fstatus%2Ftransactions%2Fabc')
  const index = await h.app.inject({ method: 'GET', url: '/', headers: { accept: 'application/json' } })
  t.equal(index.statusCode, 200, 'programs asking / get the API index')
  t.equal(index.json()._links.transactions.href, 'http://spacelink.test/api/v1/transactions')

  const login = await h.app.inject({ method: 'GET', url: '/login?next=%2Fstatus%2Ftransactions%2Fabc', headers: { accept: browser } })
  t.match(login.body, /<label for="key">Admin key<\/label>/)
  t.match(login.body, /type="password"/)
  let cookie = cookies(login)
  const token = encodeURIComponent(csrfOf(login.body))
  const noToken = await h.app.inject({ method: 'POST', url: '/login', headers: { ...form, cookie }, payload: `key=${h.keys.admin}` })
  t.equal(noToken.statusCode, 403, 'the sign-in form needs its token too')
  t.notOk(noToken.headers['set-cookie']?.toString().includes('spacelink-session'), 'no session')
  const wrong = await h.app.inject({ method: 'POST', url: '/login', headers: { ...form, cookie }, payload: `_csrf=${token}&key=not-the-key-000000000` })
  t.equal(wrong.statusCode, 401)
  t.match(wrong.body, /role="alert"><p>Not signed in: the API key is not valid/)
  const narrow = await h.app.inject({ method: 'POST', url: '/login', headers: { ...form, cookie }, payload: `_csrf=${token}&key=${h.keys.button}` })
  t.equal(narrow.statusCode, 403, 'the button key does not open the status page')
  t.notOk(String(narrow.headers['set-cookie'] ?? '').includes('spacelink-session'), 'and opens no session')

  const ok = await h.app.inject({ method: 'POST', url: '/login', headers: { ...form, cookie }, payload: `_csrf=${token}&next=%2Fstatus%2Ftransactions%2Fabc&key=${h.keys.admin}` })
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, 'http://spacelink.test/status/transactions/abc', 'back where the person was going')
  const session = (ok.cookies as Array<{ name: string, value: string, httpOnly?: boolean, sameSite?: string, secure?: boolean, maxAge?: number }>).find(c => c.name === 'spacelink-session')
  t.match(session, { httpOnly: true, sameSite: 'Lax', maxAge: 12 * 3600 }, 'HttpOnly, SameSite=Lax, for sessionHours')
  t.notOk(session?.secure, 'not Secure over plain http (the browser would drop it)')
  t.notMatch(session?.value ?? '', new RegExp(h.keys.admin), 'the key itself is not in the cookie')
  cookie = cookies(ok, cookie)
  const status = await h.app.inject({ method: 'GET', url: '/', headers: { accept: browser, cookie } })
  t.equal(status.statusCode, 200)
  t.match(status.body, /<h1>spacelink status<\/h1>/)
  t.match(status.headers['content-security-policy'], /default-src 'none'/)

  const tampered = cookie.replace(/spacelink-session=([0-9a-f]{12})\.(\d+)/, (_m, id: string, exp: string) => `spacelink-session=${id}.${Number(exp) + 3600}`)
  t.not(tampered, cookie)
  t.equal((await h.app.inject({ method: 'GET', url: '/', headers: { accept: browser, cookie: tampered } })).statusCode, 303, 'a stretched cookie is not a session')

  const outNoToken = await h.app.inject({ method: 'POST', url: '/logout', headers: { ...form, cookie }, payload: '' })
  t.equal(outNoToken.statusCode, 403, 'no sign-out from a foreign page')
  const out = await h.app.inject({ method: 'POST', url: '/logout', headers: { ...form, cookie }, payload: `_csrf=${encodeURIComponent(csrfOf(status.body))}` })
  t.equal(out.statusCode, 303)
  t.match(String(out.headers['set-cookie']), /spacelink-session=;.*Expires=Thu, 01 Jan 1970/, 'the cookie is cleared')
  const redirect = await h.app.inject({ method: 'POST', url: '/login', headers: { ...form, cookie }, payload: `_csrf=${token}&next=%2F%2Fevil.example%2F&key=${h.keys.admin}` })
  t.equal(redirect.headers.location, 'http://spacelink.test/', 'never on to another site')
})

t.test('a session ends: after sessionHours, and when its key leaves the configuration', async t => {
  let now = new Date('2026-11-21T10:00:00Z')
  const h = await startHarness(t, { now: () => now })
  const { cookie } = await signIn(h)
  now = new Date('2026-11-21T21:59:00Z')
  t.equal((await h.app.inject({ method: 'GET', url: '/', headers: { accept: browser, cookie } })).statusCode, 200, 'within 12 hours: signed in')
  now = new Date('2026-11-21T22:00:01Z')
  t.equal((await h.app.inject({ method: 'GET', url: '/', headers: { accept: browser, cookie } })).statusCode, 303, 'after 12 hours: asked again')
  now = new Date('2026-11-21T11:00:00Z')
  h.config.server.apiKeys = h.config.server.apiKeys.filter(k => !k.scopes.includes('admin'))
  t.equal((await h.app.inject({ method: 'GET', url: '/', headers: { accept: browser, cookie } })).statusCode, 303, 'the admin key removed: the session is over')
})

t.test('over https the cookies are Secure and __Host- prefixed', async t => {
  const h = await startHarness(t, { configure: c => { c.server.publicUrl = 'https://spacelink.example-museum.org' } })
  const login = await h.app.inject({ method: 'GET', url: '/login', headers: { accept: browser } })
  const csrf = (login.cookies as Array<{ name: string, secure?: boolean }>).find(c => c.name === '__Host-spacelink-csrf')
  t.match(csrf, { secure: true })
  const ok = await h.app.inject({
    method: 'POST',
    url: '/login',
    headers: { ...form, cookie: cookies(login) },
    payload: `_csrf=${encodeURIComponent(csrfOf(login.body))}&key=${h.keys.admin}`
  })
  t.match((ok.cookies as Array<{ name: string, secure?: boolean }>).find(c => c.name === '__Host-spacelink-session'), { secure: true, path: '/' })
})

t.test('the status page: filters, paging, escaping, unknown transactions', async t => {
  const h = await startHarness(t)
  const injection = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)>'
  h.editRsField(6, 'accessionnumber', injection)
  for (const rsid of [1, 4, 6]) await h.app.inject({ method: 'POST', url: `/api/v1/callback?rsid=${rsid}&query_type=validate-cspace-id`, headers: { 'x-api-key': h.keys.button } })
  const { cookie } = await signIn(h)
  const get = async (url: string): Promise<LightMyRequestResponse> => await h.app.inject({ method: 'GET', url, headers: { accept: browser, cookie } })

  const page = await get('/')
  t.notMatch(page.body, /<script>alert|<img src=x/, 'the injected accession number is never markup')
  t.match(page.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert\(2\)&gt;/, 'but shown as text')
  t.match(page.body, /id="attention-ambiguous"/)
  t.match(page.body, /id="attention-not-found"/)
  t.notMatch(page.body, /Resource 1<\/a> <span class="muted small">\(art\)<\/span><\/th>\s*<td data-label="Accession number">2019/, 'resource 1 (valid) needs nothing')

  const filtered = await get('/?outcome=ambiguous&instance=art&query_type=validate-cspace-id')
  t.match(filtered.body, /1 action\(s\) match the filters/)
  t.match(filtered.body, /<option value="ambiguous" selected>/, 'the form keeps the chosen filters')
  // The days the actions were stored on (not the clock now: the test may run across midnight UTC).
  const days = (await h.app.spacelink.store.transactions.list({ page: 0, size: 10 })).items.map(i => i.startedAt.slice(0, 10)).sort()
  t.match((await get(`/?from=${days[0] ?? ''}&to=${days[days.length - 1] ?? ''}`)).body, /3 action\(s\) match the filters/, 'their days, both ends included')
  t.match((await get('/?to=2000-01-01')).body, /No action matches these filters/)
  const bad = await get('/?outcome=%3Cscript%3E')
  t.equal(bad.statusCode, 400, 'an unknown outcome is refused, not ignored')
  t.match(bad.headers['content-type'], /^text\/html/)
  t.notMatch(bad.body, /<script>/)
  t.equal((await get('/?from=2026-13-45')).statusCode, 400)

  for (let i = 0; i < 30; i++) await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=5&query_type=status', headers: { 'x-api-key': h.keys.button } })
  const first = await get('/')
  t.match(first.body, /Page 1 of 2 \(33 action\(s\)\)/)
  t.match(first.body, /href="http:\/\/spacelink\.test\/\?page=1#recent" rel="next"/)
  t.match((await get('/?page=1')).body, /Page 2 of 2/)

  const missing = await get('/status/transactions/no-such-id')
  t.equal(missing.statusCode, 404)
  t.match(missing.body, /spacelink has no transaction no-such-id/)
  t.equal((await get('/status/transactions/%3Cb%3E')).statusCode, 400, 'an id that is not one')
})
