/**
 * (1) Nightly sync throughput: N generated resources, all pushable, synced by a child process against
 * the simulators at 0 ms and 20 ms simulated latency. Per run: wall time, items/s, time per item,
 * upstream calls per item (from the simulators' own counters), spacelink's peak RSS and CPU, and at
 * 20 ms the ratio to the latency limit `concurrency ÷ (critical-path calls × latency)` at the starting
 * width (the run's width adapts from there: the final and extreme item widths are shown beside it).
 */
import { runChild } from './child.js'
import { fixed, mbFromKb, table } from './format.js'
import { diff, parentCpuMs, startUpstreams, total, upstreamCalls } from './upstreams.js'
import type { RunWidths } from '../src/sync/engine.js'

/** What bench/sync-child.ts reports. */
export interface SyncChildResult {
  status: string
  error?: string
  total: number
  counts: Record<string, number>
  widths?: RunWidths
  runMs: number
  maxRssKb: number
  cpuMs: number
}

export interface SyncScenario {
  n: number
  latencyMs: number
  concurrency: number
  /** Ceiling of the adaptive width (default: the config's, 32); equal to `concurrency`: a fixed width, as before issue 17. */
  maxConcurrency?: number
  /** Read everything, write nothing: the CS simulator does not grow (its scans make 100,000 real pushes impractical). */
  dryRun?: boolean
}

export async function syncThroughput (scenarios: SyncScenario[]): Promise<string> {
  const rows: string[][] = []
  const notes: string[] = []
  for (const s of scenarios) {
    process.stderr.write(`  sync: N=${s.n}${s.dryRun === true ? ' (dry run)' : ''} at ${s.latencyMs} ms, concurrency ${s.concurrency} …\n`)
    const up = await startUpstreams({ latencyMs: s.latencyMs, n: s.n, concurrency: s.concurrency })
    try {
      const before = upstreamCalls(up)
      const simCpuBefore = parentCpuMs()
      const { result: r } = await runChild<SyncChildResult>('sync-child.ts', {
        BENCH_CONFIG: up.configPath,
        BENCH_DRY_RUN: s.dryRun === true ? '1' : '',
        BENCH_MAX_CONCURRENCY: s.maxConcurrency === undefined ? '' : String(s.maxConcurrency)
      })
      const simCpu = parentCpuMs() - simCpuBefore
      const after = upstreamCalls(up)
      const rs = diff(after.rs, before.rs)
      const cs = diff(after.cs, before.cs)
      const calls = total(rs) + total(cs)
      const perItem = calls / Math.max(1, r.total)
      // get_resource_data and get_resource_field_data are asked in parallel; every other call of an item waits for the one before.
      const critical = perItem - (rs.get_resource_data ?? 0) / Math.max(1, r.total)
      const rate = r.total / (r.runMs / 1000)
      const limit = s.latencyMs > 0 ? s.concurrency / (critical * s.latencyMs / 1000) : undefined
      if (r.status !== 'finished' || r.counts.pushed !== s.n || r.total !== s.n) notes.push(`N=${s.n} at ${s.latencyMs} ms: status ${r.status}, counts ${JSON.stringify(r.counts)} ${r.error ?? ''}`)
      const items = r.widths?.items
      rows.push([
        `${s.n}${s.dryRun === true ? ' dry' : ''}`, String(s.latencyMs), `${s.concurrency}${s.maxConcurrency === undefined ? '' : ` (max ${s.maxConcurrency})`}`,
        items === undefined ? 'n/a' : `${items.final} (${items.min}–${items.max})`, fixed(r.runMs / 1000, 1), fixed(rate, 1), fixed(r.runMs / r.total, 2),
        fixed(total(rs) / r.total, 1), fixed(total(cs) / r.total, 1), fixed(critical, 1), mbFromKb(r.maxRssKb),
        fixed(r.cpuMs / r.total, 2), fixed(simCpu / r.total, 2),
        limit === undefined ? 'n/a' : fixed(limit, 1), limit === undefined ? 'n/a' : `${fixed(100 * rate / limit, 0)} %`
      ])
    } catch (err) {
      notes.push(`N=${s.n} at ${s.latencyMs} ms could not run: ${(err as Error).message}`)
    } finally {
      await up.close()
    }
  }
  return table('(1) nightly sync throughput (spacelink in its own process; simulators in the parent; CS objects = min(N, 1000))',
    [
      'N',
      'latency ms',
      'conc.',
      'width final (min–max)',
      'wall s',
      'items/s',
      'ms/item',
      'RS calls/item',
      'CS calls/item',
      'critical calls',
      'peak RSS MB',
      'CPU ms/item',
      'sim CPU ms/item',
      'limit items/s',
      'of limit'
    ],
    rows) + notes.map(n => `  note: ${n}\n`).join('')
}
