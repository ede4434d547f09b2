/** The run's width adapts to an RS that refuses what it cannot serve, and finishes without doubles. */
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { runSync } from '../../src/sync/engine.js'
import { summaryTable } from '../../src/sync/report.js'
import { startHarness } from '../helpers/harness.js'
import { artPushed, assertCsConsistent, itemOutcomes, synced } from '../helpers/sync-expectations.js'

t.test('RS answers 502 beyond 3 calls in flight: the RS width narrows, every item is pushed once, CS keeps its own width', async t => {
  // 3 workers and no backlog: a fourth call at once is refused at once (nginx in front of a full PHP-FPM).
  const h = await startHarness(t, { latencyMs: 2, rsOptions: { workers: 3, backlog: 0 } })
  const summary = await runSync(h.app.spacelink, 'art', { concurrency: 8, maxConcurrency: 16 })
  t.equal(summary.status, 'finished')
  const rejected = h.rs.workers?.rejected ?? 0
  t.ok(rejected > 0, `RS refused ${rejected} call(s) beyond its capacity`)
  const widths = summary.widths
  t.ok(widths !== undefined, 'the summary says at what width it ran')
  const rs = widths?.upstreams.rs
  t.equal(rs?.start, 8)
  t.ok((rs?.min ?? 99) <= 4, `the RS width narrowed (to ${rs?.min ?? '?'})`)
  t.ok((rs?.max ?? 99) <= 16, 'never past the ceiling')
  // RS's refusals cut RS's width only: CS has a limit of its own, which none of them reached.
  t.not(h.app.spacelink.cs('art').limit, h.app.spacelink.rs.limit, 'CS has a limit of its own')
  const cs = widths?.upstreams['cs:art']
  t.ok(cs !== undefined, 'and the summary says its widths apart from RS\'s')
  t.ok((cs?.min ?? 0) > (rs?.min ?? 99), `CS was not narrowed with RS (CS at least ${cs?.min ?? '?'}, RS down to ${rs?.min ?? '?'})`)
  t.equal(summary.concurrency, 8)
  t.match(summaryTable(summary), /width items 8→\d+.*, rs 8→\d+ \(\d+–\d+\), cs:art 8→\d+/)

  const outcomes = await itemOutcomes(h, summary.runId)
  const pushed = [...outcomes].filter(([, o]) => o === 'pushed').map(([rsid]) => rsid).sort((a, b) => a - b)
  t.same(pushed, artPushed, 'every pushable resource pushed in this one run')
  assertCsConsistent(t, h, 'art', artPushed)
  for (const rsid of artPushed) t.equal(h.rsField(rsid, synced), 'true', `RS ${rsid}: synced`)
  const run = await h.app.spacelink.store.syncRuns.get(summary.runId)
  t.match(run?.options, { concurrency: 8, maxConcurrency: 16, widths: { upstreams: { rs: { start: 8 } } } }, 'the run record keeps the widths')
})

t.test('a fixed width: --max-concurrency equal to --concurrency never moves', async t => {
  const h = await startHarness(t)
  const summary = await runSync(h.app.spacelink, 'art', { concurrency: 2, maxConcurrency: 2 })
  t.equal(summary.status, 'finished')
  t.same(summary.widths?.items, { start: 2, min: 2, max: 2, final: 2 })
  t.same(summary.widths?.upstreams.rs, { start: 2, min: 2, max: 2, final: 2 })
})

t.test('--serial-calls: one call at a time per upstream for the run, while the buttons keep their own width', async t => {
  const h = await startHarness(t)
  const rs = h.app.spacelink.rs.limit
  t.ok(rs !== undefined)
  rs?.reset(6, 32)
  let release = (): void => {}
  const fields = h.rs.faults.add({ match: { operation: 'get_resource_field_data' }, kind: 'hold', until: new Promise<void>(resolve => { release = resolve }) })
  const running = runSync(h.app.spacelink, 'art', { concurrency: 1, maxConcurrency: 1, callWidth: 1, limit: 5 })
  while (fields.hits < 1) await new Promise(resolve => setImmediate(resolve))
  t.equal(rs?.limit, 6, 'during the run the shared RS width (the buttons\') is not narrowed to 1')
  t.equal(rs?.isFixed, false)
  const press = h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=validate-cspace-id', headers: { 'x-api-key': h.keys.button, accept: 'application/json' } })
  // Bounded only so that a failure ends: the press arrives at once unless it is queued behind the run.
  for (let waited = 0; fields.hits < 2 && waited < 20_000; waited += 10) await sleep(10)
  t.equal(fields.hits, 2, 'a button press reaches RS while the run\'s one call is held there')
  release()
  t.equal((await press).statusCode, 200, 'and is answered')
  const summary = await running
  t.equal(summary.status, 'finished')
  t.same(summary.widths?.upstreams.rs, { start: 1, min: 1, max: 1, final: 1 })
  t.same(summary.widths?.items, { start: 1, min: 1, max: 1, final: 1 })
  t.equal(rs?.limit, 6)
  t.equal(rs?.max, 32)
  t.equal(rs?.isFixed, false)
})

t.test('two instances\' nights at once: the second does not reset the RS width the first has found', async t => {
  const h = await startHarness(t)
  const rs = h.app.spacelink.rs.limit
  let release = (): void => {}
  const searches = h.rs.faults.add({ match: { operation: 'do_search' }, kind: 'hold', until: new Promise<void>(resolve => { release = resolve }) })
  const art = runSync(h.app.spacelink, 'art', { concurrency: 8, maxConcurrency: 32 })
  while (searches.hits < 1) await new Promise(resolve => setImmediate(resolve))
  t.equal(rs?.limit, 8, 'the first night starts RS at its width')
  rs?.reset(20, 32)
  const film = runSync(h.app.spacelink, 'film', { concurrency: 8, maxConcurrency: 32 })
  while (searches.hits < 2) await new Promise(resolve => setImmediate(resolve))
  t.equal(rs?.limit, 20, 'the second night leaves the RS width where the first had got it')
  release()
  const [artSummary, filmSummary] = await Promise.all([art, film])
  t.equal(artSummary.status, 'finished')
  t.equal(filmSummary.status, 'finished')
  t.equal(filmSummary.widths?.upstreams.rs?.start, 20, 'the second night\'s record says the RS width it began at')

  const next = runSync(h.app.spacelink, 'art', { concurrency: 8, maxConcurrency: 32, limit: 1 })
  t.equal((await next).widths?.upstreams.rs?.start, 8, 'a night alone starts again from its own width')
})

t.test('a button press made while the night\'s calls wait for RS goes to RS before them (the night runs at background priority)', async t => {
  const h = await startHarness(t)
  const rs = h.app.spacelink.rs.limit
  // The night's first two RS calls are held there, filling RS's width of 2; its next ones wait in spacelink.
  let release = (): void => {}
  const itemReads = (op: string): boolean => op === 'get_resource_field_data' || op === 'get_resource_all_image_sizes'
  const held = h.rs.faults.add({ match: req => itemReads(req.operation), kind: 'hold', times: 2, until: new Promise<void>(resolve => { release = resolve }) })
  const night = runSync(h.app.spacelink, 'art', { concurrency: 2, maxConcurrency: 2 })
  const until = async (what: string, condition: () => boolean): Promise<void> => {
    // Bounded only so that a failure ends; nothing here is timed.
    const giveUp = Date.now() + 30_000
    while (!condition()) {
      if (Date.now() > giveUp) throw new Error(`never: ${what}`)
      await sleep(5)
    }
  }
  await until('two night calls held at RS', () => held.hits === 2)
  await until('night calls waiting in spacelink', () => (rs?.queued ?? 0) >= 2)
  const nightWaiting = rs?.queued ?? 0
  const press = h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=validate-cspace-id', headers: { 'x-api-key': h.keys.button, accept: 'application/json' } })
  // A press reads the resource's row (get_resource_data), which the night never asks for: its search gave the type.
  await until('the press waiting too', () => (rs?.queued ?? 0) > nightWaiting)
  const arrivals: string[] = []
  h.rs.faults.add({ match: req => { arrivals.push(req.operation); return false }, kind: 'status' })
  release()
  t.equal((await press).statusCode, 200, 'the press is answered')
  t.ok(arrivals.indexOf('get_resource_data') >= 0 && arrivals.indexOf('get_resource_data') < 2,
    `the press's call was among the first two to reach RS once places freed, ahead of the ${nightWaiting} night calls waiting before it (${arrivals.slice(0, 4).join(', ')})`)
  t.equal((await night).status, 'finished')
})
