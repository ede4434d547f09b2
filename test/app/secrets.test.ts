/** Keys, hashes and secrets never reach the logs or the transaction rows; CORS only for configured origins. */
import t from 'tap'
import { startHarness } from '../helpers/harness.js'

t.test('no key, hash or RS signature appears in logs or transactions', async t => {
  const lines: string[] = []
  const h = await startHarness(t, {
    logStream: { write: line => { lines.push(line) } },
    configure: c => { c.server.logLevel = 'debug' }
  })
  await h.app.inject({ method: 'POST', url: `/api/v1/callback?rsid=1&query_type=validate-cspace-id&key=${h.keys.button}` })
  await h.app.inject({ method: 'POST', url: `/api/v1/callback?rsid=2&query_type=push-resource&hash=${h.hash(2)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '2' })
  await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=3&query_type=status', headers: { authorization: `Bearer ${h.keys.admin}` } })
  await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=3&query_type=status&key=wrong-but-secret-looking' })
  const txs = await h.app.inject({ method: 'GET', url: '/api/v1/transactions?size=100', headers: { 'x-api-key': h.keys.admin } })
  const details = await Promise.all(txs.json()._embedded.transactions.map(async (x: { id: string }) =>
    (await h.app.inject({ method: 'GET', url: `/api/v1/transactions/${x.id}`, headers: { 'x-api-key': h.keys.admin } })).body))
  const logs = lines.join('')
  t.ok(lines.length > 5, 'something was logged')
  t.match(logs, /\[redacted\]/, 'the key parameter is shown as redacted')
  for (const secret of [h.keys.button, h.keys.admin, h.hash(2), 'wrong-but-secret-looking', h.rs.key, 'demo"']) {
    t.notOk(logs.includes(secret), `logs do not contain ${secret.slice(0, 6)}…`)
    t.notOk(details.some(d => d.includes(secret)), `transactions do not contain ${secret.slice(0, 6)}…`)
  }
  t.notMatch(details.join(''), /sign=/, 'no RS signature in the steps')
})

t.test('CORS: configured origins get the header, others do not', async t => {
  const h = await startHarness(t, { configure: c => { c.server.corsOrigins = ['https://dam.example-museum.org'] } })
  const allowed = await h.app.inject({ method: 'OPTIONS', url: '/api/v1/callback', headers: { origin: 'https://dam.example-museum.org', 'access-control-request-method': 'POST' } })
  t.equal(allowed.headers['access-control-allow-origin'], 'https://dam.example-museum.org')
  const other = await h.app.inject({ method: 'OPTIONS', url: '/api/v1/callback', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
  t.notOk(other.headers['access-control-allow-origin'])
})
