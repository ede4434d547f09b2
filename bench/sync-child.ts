/**
 * One nightly sync in a process of its own, timed: `BENCH_CONFIG=<file> node --import tsx bench/sync-child.ts`.
 * Reports the summary, the wall time of the run alone (not process start), peak RSS and CPU time.
 */
import { loadConfig } from '../src/config/load.js'
import { createSpacelink } from '../src/spacelink.js'
import { runSync } from '../src/sync/engine.js'
import { peakRssKb, report } from './child.js'

const config = loadConfig({ path: process.env.BENCH_CONFIG ?? '', env: process.env })
const spacelink = await createSpacelink({ config })
const before = process.resourceUsage()
const started = performance.now()
const int = (name: string): number | undefined => process.env[name] === undefined || process.env[name] === '' ? undefined : Number(process.env[name])
const concurrency = int('BENCH_CONCURRENCY')
const maxConcurrency = int('BENCH_MAX_CONCURRENCY')
const callWidth = int('BENCH_CALL_WIDTH')
const summary = await runSync(spacelink, process.env.BENCH_INSTANCE ?? 'art', {
  lockTtlMs: 10_000,
  dryRun: process.env.BENCH_DRY_RUN === '1',
  ...(concurrency === undefined ? {} : { concurrency }),
  ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
  ...(callWidth === undefined ? {} : { callWidth })
})
const runMs = performance.now() - started
const after = process.resourceUsage()
await spacelink.close()
await report({
  status: summary.status,
  error: summary.error,
  total: summary.total,
  counts: summary.counts,
  widths: summary.widths,
  runMs,
  maxRssKb: peakRssKb(),
  cpuMs: (after.userCPUTime + after.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1000
})
// Measured and reported: leave now rather than wait for any timer still pending.
process.exit(0)
