/**
 * Closing the server: presses in flight when close() is called finish and get their answer; a request
 * stuck on an upstream that never answers, or a client that never finishes sending, cannot hold close()
 * past the drain time. No wall-clock limit is asserted: a stuck close would stop the test at its timeout.
 */
import net from 'node:net'
import t from 'tap'
import { Pool } from 'undici'
import { startHarness } from '../helpers/harness.js'

t.test('presses in flight on keep-alive connections finish, then close() completes', async t => {
  const h = await startHarness(t)
  // Held, not delayed: every press stays inside the server until close() has begun, however slow the machine.
  let release = (): void => {}
  const released = new Promise<void>(resolve => { release = resolve })
  const slow = h.rs.faults.add({ match: { operation: 'get_resource_field_data' }, kind: 'hold', until: released })
  await h.app.listen({ host: '127.0.0.1', port: 0 })
  const port = (h.app.server.address() as net.AddressInfo).port
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 8 })
  t.teardown(() => pool.destroy())
  const presses = [1, 2, 3, 5, 6, 7].map(async rsid => {
    const res = await pool.request({ method: 'POST', path: `/api/v1/callback?rsid=${rsid}&query_type=validate-cspace-id`, headers: { 'x-api-key': h.keys.button } })
    return { status: res.statusCode, connection: res.headers.connection, body: await res.body.json() as { outcome: string } }
  })
  // Wait until every press is inside the server (each is held by the slow RS field read).
  while (slow.hits < 6) await new Promise(resolve => setTimeout(resolve, 5))
  const closed = h.app.close().then(() => 'closed')
  while (h.app.server.listening) await new Promise(resolve => setTimeout(resolve, 5))
  release()
  const answers = await Promise.all(presses)
  for (const a of answers) {
    t.ok([200, 422].includes(a.status), `answered ${a.status} ${a.body.outcome}`)
    t.equal(a.connection, 'close', 'the answer ends its keep-alive connection')
  }
  t.equal(await closed, 'closed')
})

t.test('a request stuck upstream and a half-sent request do not hold close() past the drain time', async t => {
  const h = await startHarness(t, { drainMs: 200 })
  const hang = h.cs.faults.add({ match: { operation: 'GET /collectionobjects' }, kind: 'hang' })
  await h.app.listen({ host: '127.0.0.1', port: 0 })
  const port = (h.app.server.address() as net.AddressInfo).port
  const stuck = fetch(
    `http://127.0.0.1:${port}/api/v1/callback?rsid=1&query_type=validate-cspace-id`,
    { method: 'POST', headers: { 'x-api-key': h.keys.button } }
  )
    .then(res => `answered ${res.status}`, () => 'connection cut')
  const slowloris = net.connect(port, '127.0.0.1')
  await new Promise(resolve => slowloris.once('connect', resolve))
  slowloris.write('POST /api/v1/callback HTTP/1.1\r\nHost: x\r\n')
  const cut = new Promise(resolve => slowloris.once('close', resolve))
  while (hang.hits === 0) await new Promise(resolve => setTimeout(resolve, 10))
  t.equal(await h.app.close().then(() => 'closed'), 'closed')
  t.equal(await stuck, 'connection cut')
  await cut
  t.pass('the half-sent request was cut')
})
