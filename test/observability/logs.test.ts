/**
 * The log lines operators filter on (docs/operations.md): one JSON line per action carrying the request id
 * of the HTTP request that started it, the transaction, rsid, instance, query type, caller, outcome,
 * duration and the number of upstream calls; one summary line per sync run; no secret in any line.
 */
import t from 'tap'
import { runSync } from '../../src/sync/engine.js'
import { startHarness, type Harness } from '../helpers/harness.js'

type Line = Record<string, unknown>

async function logged (t: Parameters<typeof startHarness>[0]): Promise<{ h: Harness, lines: () => Line[], text: () => string }> {
  const raw: string[] = []
  const h = await startHarness(t, { logStream: { write: line => { raw.push(line) } }, configure: c => { c.server.logLevel = 'info' } })
  return { h, lines: () => raw.map(l => JSON.parse(l) as Line), text: () => raw.join('') }
}

function upstreamCallCount (h: Harness): number {
  const sum = (calls: Record<string, number | undefined>): number => Object.values(calls).reduce<number>((a, b) => a + (b ?? 0), 0)
  return sum(h.rs.state().calls) + sum(h.cs.state('art').calls)
}

t.test('a press gives one action line with the request id, the transaction and what it cost upstream', async t => {
  const { h, lines, text } = await logged(t)
  const before = upstreamCallCount(h)
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/callback?rsid=1&query_type=push-resource',
    headers: { 'x-api-key': h.keys.button, accept: 'application/json' }
  })
  t.equal(res.statusCode, 201)
  const made = upstreamCallCount(h) - before
  const body = res.json<{ transaction: string }>()

  const actionLines = lines().filter(l => l.transaction === body.transaction && l.outcome !== undefined)
  t.equal(actionLines.length, 1, 'one line per action')
  const line = actionLines[0] ?? {}
  const incoming = lines().find(l => l.msg === 'incoming request' && (l.req as { url?: string } | undefined)?.url?.includes('rsid=1') === true)
  t.ok(incoming, 'the request was logged')
  t.equal(line.reqId, incoming?.reqId, 'the action line carries the id of the request that started it')
  t.match(line, { rsid: 1, instance: 'art', queryType: 'push-resource', caller: 'json', outcome: 'pushed' })
  t.type(line.durationMs, 'number')
  t.ok((line.durationMs as number) >= 0)
  t.equal(line.upstreamCalls, made, 'the count of upstream calls is what RS and CS received')
  t.match(String(line.msg), /^pushed: 'scr' to CollectionSpace object 2019\.12\.3/)
  t.notOk(text().includes(h.keys.button), 'the button key is not in the log')
  t.notOk(text().includes(h.config.resourcespace.key), 'the RS API key is not in the log')
})

t.test('a sync run ends with one summary line naming the run, its counts and its duration', async t => {
  const { h, lines } = await logged(t)
  const summary = await runSync(h.app.spacelink, 'art')
  t.equal(summary.status, 'finished')
  const ends = lines().filter(l => l.msg === 'sync run finished')
  t.equal(ends.length, 1)
  t.match(ends[0], { instance: 'art', runId: summary.runId, total: summary.total, done: summary.total, counts: summary.counts, warnings: 0 })
  t.type(ends[0]?.durationMs, 'number')
  const items = lines().filter(l => l.caller === 'sync' && l.outcome !== undefined)
  t.equal(items.length, summary.total, 'and one action line per item')
})
