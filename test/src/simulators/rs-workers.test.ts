import t from 'tap'
import { createDispatcher } from '../../../src/clients/http.js'
import { ResourceSpaceClient } from '../../../src/clients/resourcespace.js'
import { startResourceSpaceSimulator } from '../../../src/simulators/resourcespace/index.js'
import { BacklogFullError, WorkerPool } from '../../../src/simulators/resourcespace/workers.js'

// Capacity is checked by counting, never by timing: the pool's maxima say how many ran and waited at once.

function deferred (): { promise: Promise<void>, resolve: () => void } {
  let release = (): void => {}
  const promise = new Promise<void>(resolve => { release = resolve })
  return { promise, resolve: () => { release() } }
}

t.test('calls beyond the workers wait in line, in arrival order, and all are served', async (t) => {
  const pool = new WorkerPool({ workers: 2 })
  const gates = Array.from({ length: 5 }, () => deferred())
  const order: number[] = []
  const calls = gates.map(async (gate, i) => await pool.run(async () => { order.push(i); await gate.promise }))
  await new Promise(resolve => setImmediate(resolve))
  t.same(order, [0, 1], 'two start, three wait')
  t.equal(pool.stats.busy, 2)
  t.equal(pool.stats.queued, 3)
  gates[1]?.resolve()
  gates[0]?.resolve()
  await new Promise(resolve => setImmediate(resolve))
  t.same(order, [0, 1, 2, 3])
  for (const gate of gates) gate.resolve()
  await Promise.all(calls)
  t.same(order, [0, 1, 2, 3, 4])
  t.match(pool.stats, { workers: 2, busy: 0, queued: 0, maxBusy: 2, maxQueued: 3, waited: 3, served: 5, rejected: 0 })
})

t.test('with a bounded backlog, calls beyond it are refused with 502 at once (nginx in front of a full PHP-FPM backlog)', async (t) => {
  const pool = new WorkerPool({ workers: 1, backlog: 1 })
  const gate = deferred()
  const first = pool.run(async () => await gate.promise)
  const second = pool.run(async () => {})
  await t.rejects(pool.run(async () => {}), /backlog is full/)
  gate.resolve()
  await Promise.all([first, second])
  t.match(pool.stats, { maxBusy: 1, maxQueued: 1, served: 2, rejected: 1 })
  t.equal(new BacklogFullError().statusCode, 502)
})

t.test('the simulator with 3 workers and the real-RS costs serves 12 parallel field writes, never more than 3 at once', async (t) => {
  const sim = await startResourceSpaceSimulator({ workers: 3, latencyProfile: 'real-rs' })
  const dispatcher = createDispatcher({ timeoutMs: 30_000, connections: 32 })
  t.teardown(async () => { await sim.close(); await dispatcher.close() })
  const rs = new ResourceSpaceClient({ apiUrl: sim.apiUrl, user: sim.user, key: sim.key, dispatcher })
  const [ref] = sim.seedMany(1)
  await Promise.all(Array.from({ length: 12 }, async (_, i) => { await rs.updateField(ref as number, 'title', `title ${i}`) }))
  const stats = sim.workers
  t.ok(stats !== undefined)
  t.equal(stats?.maxBusy, 3, 'capacity used and respected')
  t.equal(stats?.busy, 0)
  t.equal(stats?.rejected, 0, 'queued, not refused')
  t.ok((stats?.served ?? 0) >= 12)
})

t.test('a call refused for its signature takes a worker too (RS\'s PHP checks the signature)', async (t) => {
  const sim = await startResourceSpaceSimulator({ workers: 2 })
  const dispatcher = createDispatcher({ timeoutMs: 30_000, connections: 4 })
  t.teardown(async () => { await sim.close(); await dispatcher.close() })
  const wrong = new ResourceSpaceClient({ apiUrl: sim.apiUrl, user: sim.user, key: 'not-the-key', dispatcher, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } })
  const served = sim.workers?.served ?? 0
  await t.rejects(wrong.getResourceFieldData(1))
  t.equal(sim.state().rejectedSignatures, 1)
  t.equal((sim.workers?.served ?? 0) - served, 1, 'the refusal was served by a worker')
})
