/**
 * The HTTP surface points of issue 11 (#11 and #13): one rate-limit bucket per caller whatever extra keys it
 * sends, a 429 that says the window and the wait apart, problem+json for errors the framework and Node's
 * parser answer, `key=` on admin routes, and a clear one-line refusal to start without a config.
 */
import net from 'node:net'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import t from 'tap'
import FakeTimers from '@sinonjs/fake-timers'
import { startHarness } from '../helpers/harness.js'

const root = join(import.meta.dirname, '..', '..')

/** Sends raw bytes and returns the raw answer (for requests no HTTP client would send). */
async function raw (port: number, text: string): Promise<{ status: number, headers: string, body: string }> {
  const answer = await new Promise<string>(resolve => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text))
    let out = ''
    socket.on('data', d => { out += d.toString() })
    socket.on('close', () => resolve(out))
    socket.on('error', () => resolve(out))
  })
  const [head = '', body = ''] = answer.split('\r\n\r\n')
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), headers: head.toLowerCase(), body }
}

t.test('a valid Bearer key plus a junk X-API-Key is charged to the Bearer key\'s own bucket', async t => {
  const h = await startHarness(t, { configure: c => { c.server.rateLimit = { max: 3, timeWindow: '1 minute' } } })
  const url = '/api/v1/callback?rsid=1&query_type=status'
  const codes: number[] = []
  for (let i = 0; i < 3; i++) codes.push((await h.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${h.keys.button}` } })).statusCode)
  const junk = await h.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${h.keys.button}`, 'x-api-key': `junk-${'x'.repeat(20)}` } })
  codes.push(junk.statusCode)
  t.same(codes, [200, 200, 200, 429], 'the fourth call is over the key\'s limit, junk header or not')
})

t.test('the 429 says the configured window and, apart from it, how long to wait', async t => {
  const clock = FakeTimers.install({ toFake: ['Date'], now: Date.parse('2026-11-21T10:00:00Z') })
  t.teardown(() => clock.uninstall())
  const h = await startHarness(t, { configure: c => { c.server.rateLimit = { max: 1, timeWindow: '1 minute' } } })
  const url = '/api/v1/callback?rsid=1&query_type=status'
  t.equal((await h.app.inject({ method: 'POST', url, headers: { 'x-api-key': h.keys.button } })).statusCode, 200)
  clock.tick(40_000)
  const limited = await h.app.inject({ method: 'POST', url, headers: { 'x-api-key': h.keys.button } })
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(limited.json().detail, 'limit of 1 requests per 1 minute reached; try again in 20 s')
  t.equal(limited.json().retryAfterSeconds, 20)
})

t.test('errors answered before any route runs are problem+json too', async t => {
  const h = await startHarness(t)
  await h.app.listen({ host: '127.0.0.1', port: 0 })
  const port = (h.app.server.address() as net.AddressInfo).port
  const key = h.keys.admin
  const cases: Array<[string, string, number, string]> = [
    ['headers too large (431)', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
    ['a malformed request line', 'GARBAGE\r\n\r\n', 400, 'BAD_REQUEST'],
    ['a malformed header', 'GET /health HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n', 400, 'BAD_REQUEST'],
    ['a bad Content-Length', 'POST /api/v1/callback HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400, 'BAD_REQUEST'],
    ['a URL that cannot be decoded', `GET /api/v1/links/%E0%A4%A HTTP/1.1\r\nHost: x\r\nX-API-Key: ${key}\r\nConnection: close\r\n\r\n`, 400, 'INVALID_INPUT'],
    [
      'bad JSON',
      `POST /api/v1/sync-runs HTTP/1.1\r\nHost: x\r\nX-API-Key: ${key}\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{bad}`,
      400,
      'INVALID_INPUT'
    ],
    [
      'an unsupported content type',
      `POST /api/v1/sync-runs HTTP/1.1\r\nHost: x\r\nX-API-Key: ${key}\r\nContent-Type: application/xml\r\nContent-Length: 3\r\nConnection: close\r\n\r\n<a>`,
      415,
      'UNSUPPORTED_MEDIA_TYPE'
    ]
  ]
  for (const [name, request, status, code] of cases) {
    const res = await raw(port, request)
    t.equal(res.status, status, `${name}: status`)
    t.match(res.headers, /content-type: application\/problem\+json/, `${name}: problem+json`)
    t.equal(JSON.parse(res.body).code, code, `${name}: code`)
    t.match(JSON.parse(res.body).type, /^\/docs\/problems#/, `${name}: type`)
  }
})

t.test('key= is accepted on every admin route, as the README offers', async t => {
  const h = await startHarness(t)
  for (const url of ['/api/v1/transactions', '/api/v1/transactions?size=5', '/api/v1/links', '/api/v1/links/search/findByRsid?rsid=1', '/api/v1/sync-runs', '/api/v1/instances', '/metrics']) {
    const joiner = url.includes('?') ? '&' : '?'
    const res = await h.app.inject({ method: 'GET', url: `${url}${joiner}key=${h.keys.admin}` })
    t.equal(res.statusCode, 200, url)
  }
  const wrong = await h.app.inject({ method: 'GET', url: '/api/v1/transactions?key=not-a-key-at-all-0000' })
  t.equal(wrong.statusCode, 401, 'a wrong key= is still refused')
})

t.test('starting without a config: one clear line on stderr, no stack trace, exit code 1', async t => {
  const env = { ...process.env }
  delete env.SPACELINK_CONFIG
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'server.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  t.equal(code, 1)
  t.equal(stderr.trim().split('\n').length, 1, 'one line')
  t.match(stderr, /^spacelink: cannot start: .*no configuration file: pass --config PATH or set SPACELINK_CONFIG\n$/)
  t.notMatch(stderr, /\n\s+at /, 'no stack trace')
})
