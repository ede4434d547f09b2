/**
 * The critical path of one pushed item, counted, not timed: every upstream call spacelink makes is
 * observed with its start and end, and the longest chain of calls that each began only after the one
 * before it had answered is the number of sequential round trips the item costs. The simulators add a
 * fixed latency to every call, so calls made together overlap by about that much; the count does not
 * depend on how fast the machine is (a slow machine only stretches every interval alike).
 */
import t from 'tap'
import { currentUpstreamCalls, observeUpstreamCalls } from '../../src/clients/http.js'
import { runSync } from '../../src/sync/engine.js'
import { startHarness, type Harness } from '../helpers/harness.js'

interface TimedCall { operation: string, start: number, end: number, item?: unknown }

/** Every upstream call made while `work` runs, with its interval on one clock. */
async function timedCalls (work: () => Promise<unknown>): Promise<TimedCall[]> {
  const calls: TimedCall[] = []
  const stop = observeUpstreamCalls(call => {
    const end = performance.now()
    const item = currentUpstreamCalls()
    calls.push({ operation: call.operation, start: end - call.ms, end, ...(item.length === 0 ? {} : { item }) })
  })
  try {
    await work()
  } finally {
    stop()
  }
  return calls
}

/**
 * The longest chain of calls where each starts after the previous one ended, and the operations along
 * it. A call counts as waiting for another only if it started after that one's answer (less 1 ms for
 * the rounding of the recorded durations): calls made together overlap by nearly the whole latency.
 */
export function longestChain (calls: readonly TimedCall[]): { length: number, path: string[] } {
  const sorted = [...calls].sort((a, b) => a.start - b.start)
  const best: Array<{ length: number, path: string[] }> = []
  sorted.forEach((call, i) => {
    let prior: { length: number, path: string[] } = { length: 0, path: [] }
    for (let j = 0; j < i; j++) {
      const before = sorted[j] as TimedCall
      const chain = best[j] as { length: number, path: string[] }
      if (before.end - 1 <= call.start && chain.length > prior.length) prior = chain
    }
    best.push({ length: prior.length + 1, path: [...prior.path, call.operation] })
  })
  return best.reduce((a, b) => b.length > a.length ? b : a, { length: 0, path: [] })
}

// Calls made together overlap by nearly the whole latency; a call counts as waiting for another only if
// it started after that one's answer. A long latency keeps an event-loop stall of a loaded machine (tens
// of ms) from making two calls sent together look sequential.
const latencyMs = 150

async function press (h: Harness, rsid: number): Promise<{ statusCode: number, outcome: string }> {
  const res = await h.app.inject({
    method: 'POST',
    url: `/api/v1/callback?rsid=${rsid}&query_type=push-resource`,
    headers: { 'x-api-key': h.keys.admin, accept: 'application/json' }
  })
  return { statusCode: res.statusCode, outcome: res.json().outcome }
}

t.test('longestChain counts sequential calls, not overlapping ones', async t => {
  const at = (operation: string, start: number, end: number): TimedCall => ({ operation, start, end })
  t.same(longestChain([]).length, 0)
  t.same(longestChain([at('a', 0, 40), at('b', 0.2, 40.1), at('c', 40.5, 80)]).path, ['a', 'c'])
  t.same(longestChain([at('a', 0, 40), at('b', 40.3, 80), at('c', 80.2, 120), at('d', 41, 60)]).length, 3)
})

t.test(`a fresh push (button press) costs at most 7 sequential round trips and at most 17 calls, at ${latencyMs} ms latency`, async t => {
  const h = await startHarness(t, { latencyMs })
  // A first push warms what spacelink learns once per process (field catalog, option lists).
  t.equal((await press(h, 2)).outcome, 'pushed')
  const calls = await timedCalls(async () => {
    const pushed = await press(h, 1)
    t.equal(pushed.statusCode, 201)
    t.equal(pushed.outcome, 'pushed')
  })
  const chain = longestChain(calls)
  t.comment(`button press: ${calls.length} calls, critical path ${chain.length}: ${chain.path.join(' → ')}`)
  t.ok(chain.length <= 7, `critical path ${chain.length} ≤ 7 (${chain.path.join(' → ')})`)
  // A press reads the resource's row as well as its fields (a night's search already gave its type).
  t.ok(calls.length <= 17, `${calls.length} calls ≤ 17`)
  t.equal(calls.filter(c => c.operation === 'POST /blobs').length, 1, 'one upload')
})

t.test(`every pushed item of a night costs at most 7 sequential round trips and at most 16 calls, 8 items at a time, at ${latencyMs} ms latency`, async t => {
  const h = await startHarness(t, { latencyMs })
  // A first push warms what spacelink learns once per process (field catalog, option lists).
  t.equal((await press(h, 2)).outcome, 'pushed')
  const calls = await timedCalls(async () => {
    // Eight items at once, with room for every call they make: the chain then counts what each call
    // waits for, not the line in front of an upstream whose width is full (a full upstream lengthens every
    // path alike; the benchmark measures that).
    t.equal((await runSync(h.app.spacelink, 'art', { concurrency: 8, maxConcurrency: 8, callWidth: 64 })).status, 'finished')
  })
  // Each item is its own transaction, and every call is made inside one: the calls group by item.
  const byItem = new Map<unknown, TimedCall[]>()
  for (const call of calls) if (call.item !== undefined) byItem.set(call.item, [...(byItem.get(call.item) ?? []), call])
  const pushed = [...byItem.values()].filter(mine => mine.some(c => c.operation === 'POST /blobs'))
  t.ok(pushed.length >= 30, `${pushed.length} items pushed, 8 at a time`)
  const chains = pushed.map(mine => longestChain(mine))
  const longest = chains.reduce((a, b) => b.length > a.length ? b : a)
  t.comment(`night: critical path at most ${longest.length} (${longest.path.join(' → ')}); calls per pushed item ${Math.min(...pushed.map(p => p.length))}–${Math.max(...pushed.map(p => p.length))}`)
  t.ok(longest.length <= 7, `every pushed item: critical path ≤ 7 (longest ${longest.length}: ${longest.path.join(' → ')})`)
  t.ok(pushed.every(mine => mine.length <= 16), `every pushed item: ≤ 16 calls (most ${Math.max(...pushed.map(p => p.length))})`)
})
