/**
 * Replays, byte for byte over a real socket, the requests a real RS api_webhooks button sends
 * (shared/fixtures/resourcespace/api-webhooks-observed.md §3): the configured URL + ref, four headers,
 * the bare ref as body. Checks the answer is exactly `200 OK` and that RS is never written after it.
 */
import t from 'tap'
import net from 'node:net'
import { startHarness, type Harness } from '../helpers/harness.js'

interface RawAnswer { statusLine: string, body: string, answeredAt: number }

async function rawPost (port: number, target: string, body: string): Promise<RawAnswer> {
  const request = `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\nContent-type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  return await new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request))
    let data = ''
    socket.on('data', chunk => { data += chunk.toString('utf8') })
    socket.on('end', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n')
      resolve({ statusLine: head.split('\r\n')[0] ?? '', body: rest.join('\r\n\r\n'), answeredAt: Date.now() })
    })
    socket.on('error', reject)
  })
}

async function listen (h: Harness): Promise<number> {
  await h.app.listen({ host: '127.0.0.1', port: 0 })
  const address = h.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

function writesAfter (h: Harness, at: number): number {
  return h.rs.state().writes.filter(w => Date.parse(w.at) > at).length
}

t.test('a button with a key in its URL (the observed configuration)', async t => {
  const h = await startHarness(t)
  const port = await listen(h)
  const answer = await rawPost(port, `/api/v1/callback?query_type=validate-cspace-id&key=${h.keys.button}&rsid=2`, '2')
  t.equal(answer.statusLine, 'HTTP/1.1 200 OK', 'only "200 OK" is silent in RS')
  t.match(h.rsField(2, 91), /spacelink: valid: accession number 2020\.1\.1/, 'the outcome is in RS before the answer')
  await new Promise(resolve => setTimeout(resolve, 300))
  t.equal(writesAfter(h, answer.answeredAt), 0, 'no RS write after the answer (it would cause an edit conflict)')
})

t.test('a button with the recommended hash and no key', async t => {
  const h = await startHarness(t)
  const port = await listen(h)
  const answer = await rawPost(port, `/api/v1/callback?query_type=push-resource&rsid=1&hash=${h.hash(1)}`, '1')
  t.equal(answer.statusLine, 'HTTP/1.1 200 OK')
  t.equal(h.cs.state().media.length, 1)
  t.equal(h.rsField(1, 89), 'true')
  t.match(h.rsField(1, 91), /pushed 'scr'/)
  await new Promise(resolve => setTimeout(resolve, 300))
  t.equal(writesAfter(h, answer.answeredAt), 0)
})

t.test('a problem the person should see (ambiguous) is still 200 OK, with the reason in the status field', async t => {
  const h = await startHarness(t)
  const port = await listen(h)
  const answer = await rawPost(port, `/api/v1/callback?query_type=validate-cspace-id&rsid=4&hash=${h.hash(4)}`, '4')
  t.equal(answer.statusLine, 'HTTP/1.1 200 OK')
  t.match(h.rsField(4, 91), /ambiguous: accession number 2001\.5\.1 matches 2 CollectionSpace objects/)
})

t.test('a wrong hash is refused (RS will alert) and nothing is written', async t => {
  const h = await startHarness(t)
  const port = await listen(h)
  const answer = await rawPost(port, `/api/v1/callback?query_type=push-resource&rsid=1&hash=${h.hash(2)}`, '1')
  t.match(answer.statusLine, /^HTTP\/1\.1 401 /)
  t.equal(h.rs.state().writes.length, 0)
  t.equal(h.cs.state().writes.length, 0)
})

t.test('RS unreachable while answering: non-200 so the person sees an alert', async t => {
  const h = await startHarness(t)
  const port = await listen(h)
  h.rs.faults.add({ match: () => true, kind: 'status', status: 503 })
  const answer = await rawPost(port, `/api/v1/callback?query_type=validate-cspace-id&rsid=1&hash=${h.hash(1)}`, '1')
  t.match(answer.statusLine, /^HTTP\/1\.1 50[24] /)
})

t.test('a push that would outlast the deadline tells RS it continues, answers 200 OK, and never writes RS again', async t => {
  const h = await startHarness(t, { configure: c => { c.server.webhookDeadlineMs = 300 } })
  const port = await listen(h)
  h.cs.faults.add({ match: { operation: 'POST /blobs' }, kind: 'latency', ms: 1200 })
  const answer = await rawPost(port, `/api/v1/callback?query_type=push-resource&rsid=1&hash=${h.hash(1)}`, '1')
  t.equal(answer.statusLine, 'HTTP/1.1 200 OK')
  t.match(h.rsField(1, 91), /push continues in the background: http:\/\/spacelink\.test\/api\/v1\/transactions\//)
  await new Promise(resolve => setTimeout(resolve, 2000))
  t.equal(h.cs.state().media.length, 1, 'the transfer finished')
  t.equal(h.cs.state().relations.length, 2)
  t.equal(writesAfter(h, answer.answeredAt), 0, 'no RS write after the answer')
  // The next press (or the nightly run) finds the push done in CS and only marks the resource synced.
  const next = await rawPost(port, `/api/v1/callback?query_type=push-resource&rsid=1&hash=${h.hash(1)}`, '1')
  t.equal(next.statusLine, 'HTTP/1.1 200 OK')
  t.equal(h.cs.state().media.length, 1)
  t.equal(h.rsField(1, 89), 'true')
})

t.test('any action past the deadline (a CS that hangs during validate) is answered 200 OK in time and RS is never written after', async t => {
  const h = await startHarness(t, { configure: c => { c.server.webhookDeadlineMs = 300 } })
  const port = await listen(h)
  h.cs.faults.add({ match: { method: 'GET' }, kind: 'latency', ms: 1500, times: 1 })
  const started = Date.now()
  const answer = await rawPost(port, `/api/v1/callback?query_type=validate-cspace-id&rsid=1&hash=${h.hash(1)}`, '1')
  t.equal(answer.statusLine, 'HTTP/1.1 200 OK')
  t.ok(answer.answeredAt - started < 1400, 'answered at the deadline, not when CS finally answered')
  t.match(h.rsField(1, 91), /validate-cspace-id continues in the background: http:\/\/spacelink\.test\/api\/v1\/transactions\//)
  await new Promise(resolve => setTimeout(resolve, 1800))
  t.equal(writesAfter(h, answer.answeredAt), 0, 'the late outcome is not written into RS')
  const txs = await h.app.inject({ method: 'GET', url: '/api/v1/transactions?rsid=1', headers: { 'x-api-key': h.keys.admin } })
  t.match(txs.json()._embedded.transactions[0].message, /finished in the background/, 'the real outcome is in the transaction log')
  t.equal(txs.json()._embedded.transactions[0].outcome, 'valid')
})
