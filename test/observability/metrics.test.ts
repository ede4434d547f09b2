/**
 * /metrics as an operator scrapes it: protected, in Prometheus text, and moving by exactly what happened —
 * button presses by query type and outcome, upstream calls as the transactions recorded them, failed
 * upstream calls, a sync run's items by outcome and its last success, pool use and event-loop lag.
 */
import t from 'tap'
import { startHarness, type Harness } from '../helpers/harness.js'
import { metric } from '../helpers/prometheus.js'
import { runSync } from '../../src/sync/engine.js'

async function scrape (h: Harness): Promise<string> {
  const res = await h.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${h.keys.admin}` } })
  if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}`)
  return res.body
}

async function stepsOf (h: Harness, ids: string[]): Promise<Array<{ system: string, status: number | null }>> {
  const rows = await Promise.all(ids.map(async id => await h.app.spacelink.store.transactions.get(id)))
  return rows.flatMap(r => r?.steps ?? [])
}

t.test('/metrics: the metrics token or an admin key; nothing else', async t => {
  const token = 'metrics-token-0123456789abcdef'
  const h = await startHarness(t, { configure: c => { c.monitoring.metricsToken = token } })
  t.equal((await h.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401)
  const button = await h.app.inject({ method: 'GET', url: '/metrics', headers: { 'x-api-key': h.keys.button } })
  t.equal(button.statusCode, 403)
  t.equal(button.headers['content-type'], 'application/problem+json; charset=utf-8')
  const admin = await h.app.inject({ method: 'GET', url: '/metrics', headers: { 'x-api-key': h.keys.admin } })
  t.equal(admin.statusCode, 200)
  t.match(admin.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  t.equal((await h.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } })).statusCode, 200, 'the metrics token')
  t.equal(
    (await h.app.inject({ method: 'GET', url: '/api/v1/transactions', headers: { authorization: `Bearer ${token}` } })).statusCode,
    401,
    'the metrics token opens nothing else'
  )
})

t.test('button presses move the action, HTTP and upstream counters by exactly what happened', async t => {
  const h = await startHarness(t)
  const before = await scrape(h)
  const ids: string[] = []
  for (let i = 0; i < 2; i++) {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=validate-cspace-id', headers: { 'x-api-key': h.keys.button } })
    t.equal(res.json().outcome, 'valid')
    ids.push(res.json().transaction)
  }
  const after = await scrape(h)
  const delta = (name: string, labels: Record<string, string> = {}): number => metric(after, name, labels) - metric(before, name, labels)
  t.equal(delta('spacelink_actions_total', { query_type: 'validate-cspace-id', caller: 'json', outcome: 'valid' }), 2)
  t.equal(delta('spacelink_actions_total'), 2, 'nothing else counted')
  t.equal(delta('spacelink_action_duration_seconds_count', { query_type: 'validate-cspace-id', outcome: 'valid' }), 2)
  t.equal(delta('spacelink_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/callback', status_code: '200' }), 2)
  const steps = await stepsOf(h, ids)
  t.ok(steps.length > 0)
  t.equal(delta('spacelink_upstream_request_duration_seconds_count'), steps.length, 'one observation per upstream call the transactions recorded')
  t.equal(delta('spacelink_upstream_request_duration_seconds_count', { system: 'collectionspace' }), steps.filter(s => s.system === 'collectionspace').length)
  t.equal(delta('spacelink_action_upstream_calls_total', { query_type: 'validate-cspace-id' }), steps.length)
  t.equal(delta('spacelink_upstream_errors_total'), 0)
  t.equal(metric(after, 'spacelink_db_pool_connections', { pool: 'sqlite', state: 'total' }), 1)
  t.match(after, /^nodejs_eventloop_lag_seconds /m, 'event-loop lag')
})

t.test('a failing upstream is counted by system, operation and reason', async t => {
  const h = await startHarness(t)
  h.cs.faults.add({ match: { operation: 'GET /collectionobjects' }, kind: 'status', status: 503 })
  const before = await scrape(h)
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=validate-cspace-id', headers: { 'x-api-key': h.keys.button } })
  t.equal(res.json().outcome, 'upstream-error')
  const after = await scrape(h)
  const failed = (await stepsOf(h, [res.json().transaction])).filter(s => s.status === 503)
  t.ok(failed.length >= 1, 'the CS search failed (and was retried)')
  t.equal(metric(after, 'spacelink_upstream_errors_total', { system: 'collectionspace', operation: 'GET /collectionobjects', reason: 'status' }) -
    metric(before, 'spacelink_upstream_errors_total', { system: 'collectionspace', operation: 'GET /collectionobjects', reason: 'status' }), failed.length)
  t.equal(metric(after, 'spacelink_actions_total', { outcome: 'upstream-error' }) - metric(before, 'spacelink_actions_total', { outcome: 'upstream-error' }), 1)
})

t.test('a sync run: items by outcome, the run, its duration and the last success time', async t => {
  const h = await startHarness(t)
  const before = await scrape(h)
  t.equal(metric(before, 'spacelink_sync_last_success_timestamp_seconds', { instance: 'art' }), 0, 'never synced: no series')
  const summary = await runSync(h.app.spacelink, 'art')
  t.equal(summary.status, 'finished')
  const after = await scrape(h)
  for (const [outcome, n] of Object.entries(summary.counts)) {
    t.equal(
      metric(after, 'spacelink_sync_items_total', { instance: 'art', outcome }) - metric(before, 'spacelink_sync_items_total', { instance: 'art', outcome }),
      n,
      outcome
    )
  }
  t.equal(metric(after, 'spacelink_sync_items_total'), summary.total)
  t.equal(metric(after, 'spacelink_sync_runs_total', { instance: 'art', status: 'finished' }), 1)
  t.equal(metric(after, 'spacelink_sync_run_duration_seconds_count', { instance: 'art' }), 1)
  t.equal(metric(after, 'spacelink_actions_total', { caller: 'sync' }), summary.total, 'every item is an action of the sync caller')
  const run = await h.app.spacelink.store.syncRuns.get(summary.runId)
  t.equal(metric(after, 'spacelink_sync_last_success_timestamp_seconds', { instance: 'art' }), Date.parse(run?.finishedAt ?? '') / 1000)

  const instances = await h.app.inject({ method: 'GET', url: '/api/v1/instances', headers: { 'x-api-key': h.keys.admin } })
  const art = instances.json()._embedded.instances.find((i: { name: string }) => i.name === 'art')
  t.equal(art.lastSuccessfulSyncAt, run?.finishedAt)
  t.equal(art.lastRun.id, summary.runId)
  t.equal(art.lastRun.href, `http://spacelink.test/api/v1/sync-runs/${summary.runId}`)
})

t.test('PostgreSQL: the pools say their connections', async t => {
  const h = await startHarness(t, { engine: 'postgres' })
  await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=validate-cspace-id', headers: { 'x-api-key': h.keys.button } })
  const text = await scrape(h)
  t.ok(metric(text, 'spacelink_db_pool_connections', { pool: 'queries', state: 'total' }) >= 1)
  t.equal(metric(text, 'spacelink_db_pool_max_connections', { pool: 'queries' }), 10)
  t.match(text, /spacelink_db_pool_connections\{pool="queries",state="waiting"\} 0/)
})
