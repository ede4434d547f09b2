/**
 * (6) Critical path, a sequential baseline and the adaptive width, measured in one run against the same
 * simulators (a fresh pair per row). Every row is a nightly sync in its own process (bench/sync-child.ts).
 *
 * - critical path: one item at a time (`concurrency 1`, calls per upstream not limited) at flat latency;
 *   wall time per item ÷ latency is the measured number of sequential round trips per item, and
 *   `concurrency ÷ (critical path × latency)` the latency limit of the other rows.
 * - sequential baseline: one item at a time and one call at a time per upstream (`callWidth 1`), the
 *   original spacelink's pattern; the adaptive row's items/s is divided by it.
 * - adaptive (default settings: start 8, ceiling 64) at flat latency.
 * - capacity-limited RS: `workers` PHP-FPM-like workers with the real RS's per-function costs (scaled),
 *   requests beyond capacity queueing; CS at flat latency. Capacity throughput = workers ÷ RS worker time
 *   per item (summed by the simulator). Adaptive beside a fixed width of 8.
 */
import { runChild } from './child.js'
import { fixed, table } from './format.js'
import { diff, startUpstreams, total, upstreamCalls } from './upstreams.js'
import type { SyncChildResult } from './sync-throughput.js'
import type { RsSimulatorOptions } from '../src/simulators/resourcespace/index.js'

export interface ConcurrencyBenchOptions {
  latencyMs: number
  /** Items for the one-at-a-time rows (critical path, sequential). */
  sequentialN: number
  /** Items for the adaptive row at flat latency. */
  flatN: number
  /** Items for the capacity-limited rows. */
  capacityN: number
  workers: number
  /** Scale of the real RS's costs (1 = as observed: a field write 130–350 ms). */
  rsScale: number
}

interface Row {
  name: string
  n: number
  rs?: RsSimulatorOptions
  env: Record<string, string>
}

interface Measured {
  r: SyncChildResult
  rate: number
  msPerItem: number
  callsPerItem: number
  busyMsPerItem?: number
  rejected?: number
  maxQueued?: number
}

export async function concurrencyBench (o: ConcurrencyBenchOptions): Promise<string> {
  const notes: string[] = []
  const capacityRs: RsSimulatorOptions = { latencyMs: 0, latencyProfile: 'real-rs', latencyScale: o.rsScale, workers: o.workers }
  // BENCH_CONCURRENCY_ROWS=flat or =capacity runs only those rows (the others print n/a).
  const rows = process.env.BENCH_CONCURRENCY_ROWS
  const run = async (row: Row): Promise<Measured | undefined> => {
    if (rows !== undefined && rows !== '' && !rows.split(',').includes(row.rs === undefined ? 'flat' : 'capacity')) return undefined
    process.stderr.write(`  concurrency: ${row.name}, N=${row.n} …\n`)
    const up = await startUpstreams({ latencyMs: o.latencyMs, n: row.n, ...(row.rs === undefined ? {} : { rs: row.rs }) })
    try {
      const before = upstreamCalls(up)
      const busyBefore = up.rs.workers?.busyMs ?? 0
      const { result: r } = await runChild<SyncChildResult>('sync-child.ts', { BENCH_CONFIG: up.configPath, ...row.env })
      const after = upstreamCalls(up)
      const calls = total(diff(after.rs, before.rs)) + total(diff(after.cs, before.cs))
      if (r.status !== 'finished' || r.counts.pushed !== row.n) notes.push(`${row.name}: status ${r.status}, counts ${JSON.stringify(r.counts)} ${r.error ?? ''}`)
      const workers = up.rs.workers
      return {
        r,
        rate: r.total / (r.runMs / 1000),
        msPerItem: r.runMs / Math.max(1, r.total),
        callsPerItem: calls / Math.max(1, r.total),
        ...(workers === undefined
          ? {}
          : { busyMsPerItem: (workers.busyMs - busyBefore) / Math.max(1, r.total), rejected: workers.rejected, maxQueued: workers.maxQueued })
      }
    } catch (err) {
      notes.push(`${row.name} could not run: ${(err as Error).message}`)
      return undefined
    } finally {
      await up.close()
    }
  }

  const critical = await run({ name: 'critical path', n: o.sequentialN, env: { BENCH_CONCURRENCY: '1', BENCH_MAX_CONCURRENCY: '1', BENCH_CALL_WIDTH: '32' } })
  const sequential = await run({ name: 'sequential baseline', n: o.sequentialN, env: { BENCH_CONCURRENCY: '1', BENCH_MAX_CONCURRENCY: '1', BENCH_CALL_WIDTH: '1' } })
  const adaptive = await run({ name: 'adaptive, flat', n: o.flatN, env: {} })
  const capAdaptive = await run({ name: 'adaptive, capacity RS', n: o.capacityN, rs: capacityRs, env: {} })
  const capFixed = await run({ name: 'fixed 8, capacity RS', n: o.capacityN, rs: capacityRs, env: { BENCH_CONCURRENCY: '8', BENCH_MAX_CONCURRENCY: '8' } })
  const capSequential = await run({ name: 'sequential, capacity RS', n: Math.max(10, Math.round(o.sequentialN / 3)), rs: capacityRs, env: { BENCH_CONCURRENCY: '1', BENCH_MAX_CONCURRENCY: '1', BENCH_CALL_WIDTH: '1' } })

  // Sequential round trips per item, measured: wall time per item at one item at a time ÷ the latency.
  const path = critical === undefined ? undefined : critical.msPerItem / o.latencyMs
  const limitAt = (width: number): number | undefined => path === undefined ? undefined : width / (path * o.latencyMs / 1000)
  const w = (m: Measured | undefined, key: 'items' | 'rs' | 'cs'): string => {
    const widths = m?.r.widths
    const record = key === 'items' ? widths?.items : key === 'rs' ? widths?.upstreams.rs : widths?.upstreams['cs:art']
    return record === undefined ? 'n/a' : `${record.start}→${record.final} (${record.min}–${record.max})`
  }
  const pct = (a: number | undefined, b: number | undefined): string => a === undefined || b === undefined ? 'n/a' : `${fixed(100 * a / b, 0)} %`
  const ratio = (a: number | undefined, b: number | undefined): string => a === undefined || b === undefined ? 'n/a' : `${fixed(a / b, 1)}×`

  const flatRows: string[][] = []
  const flatRow = (name: string, m: Measured | undefined, limit: number | undefined, limitNote: string): void => {
    flatRows.push([
      name, String(m?.r.total ?? 'n/a'), w(m, 'items'), w(m, 'rs'), w(m, 'cs'), fixed(m?.callsPerItem, 1), fixed(m?.msPerItem, 0),
      fixed(m?.rate, 1), limit === undefined ? 'n/a' : `${fixed(limit, 1)} ${limitNote}`, pct(m?.rate, limit), ratio(m?.rate, sequential?.rate)
    ])
  }
  flatRow('critical path (1 item at a time)', critical, limitAt(1), '(width 1)')
  flatRow('sequential baseline (1 call at a time)', sequential, limitAt(1), '(width 1)')
  const finalItems = adaptive?.r.widths?.items.final
  flatRow('adaptive, default settings', adaptive, limitAt(8), '(width 8)')
  if (finalItems !== undefined && finalItems !== 8) flatRow(`  same run vs its final width ${finalItems}`, adaptive, limitAt(finalItems), `(width ${finalItems})`)

  const capRows: string[][] = []
  const capRow = (name: string, m: Measured | undefined): void => {
    const capacity = m?.busyMsPerItem === undefined ? undefined : o.workers / (m.busyMsPerItem / 1000)
    capRows.push([
      name, String(m?.r.total ?? 'n/a'), w(m, 'items'), w(m, 'rs'), w(m, 'cs'), fixed(m?.busyMsPerItem, 0), fixed(capacity, 2),
      fixed(m?.rate, 2), pct(m?.rate, capacity), String(m?.rejected ?? 'n/a'), String(m?.maxQueued ?? 'n/a'), ratio(m?.rate, capSequential?.rate)
    ])
  }
  capRow('adaptive, default settings', capAdaptive)
  capRow('fixed width 8', capFixed)
  capRow('sequential baseline', capSequential)

  return table(
    `(6a) critical path and latency limit, flat ${o.latencyMs} ms on RS and CS: measured critical path = ` +
      `${fixed(path, 1)} round trips per item (wall ms per item at one item at a time ÷ ${o.latencyMs} ms); limit = width ÷ (critical path × latency)`,
    ['run', 'N', 'items width start→final (min–max)', 'RS width', 'CS width', 'calls/item', 'ms/item', 'items/s', 'limit items/s', 'of limit', 'vs sequential'],
    flatRows
  ) + table(
    `(6b) capacity-limited RS: ${o.workers} workers, real RS costs × ${o.rsScale} (a field write ${Math.round(130 * o.rsScale)}–${Math.round(350 * o.rsScale)} ms), ` +
      `beyond capacity queued; CS flat ${o.latencyMs} ms. capacity throughput = workers ÷ RS worker time per item`,
    ['run', 'N', 'items width start→final (min–max)', 'RS width', 'CS width', 'RS worker ms/item', 'capacity items/s', 'items/s', 'of capacity', 'RS 502s (backlog full)', 'max queued at RS', 'vs sequential'],
    capRows
  ) + notes.map(n => `  note: ${n}\n`).join('')
}
