/**
 * spacelink benchmarks (not tests): `npm run bench` runs the quick set (a few minutes), `npm run bench -- --full`
 * the long one; `--only=sync,callback,concurrency,stream,cold,cli,export,resourcesync` picks parts. Each part prints a table, or why it could
 * not run. BENCHMARKS.md records the figures and what limits each one.
 */
import { availableParallelism, cpus, totalmem } from 'node:os'
import { callbackLatency } from './callback-latency.js'
import { builtCli } from './built-cli.js'
import { coldStart } from './cold-start.js'
import { concurrencyBench } from './concurrency.js'
import { packageExport } from './package-export.js'
import { resourceSyncHarvest } from './resourcesync.js'
import { streamingMemory } from './streaming.js'
import { syncThroughput, type SyncScenario } from './sync-throughput.js'

const args = process.argv.slice(2)
const full = args.includes('--full')
const only = args.find(a => a.startsWith('--only='))?.slice('--only='.length).split(',')
const wanted = (part: string): boolean => only === undefined || only.includes(part)

// BENCH_SYNC_FIXED=1 adds to the quick set the same two rows at a fixed width of 8 (the width before issue 17).
const fixedRows: SyncScenario[] = process.env.BENCH_SYNC_FIXED === '1'
  ? [{ n: 1000, latencyMs: 0, concurrency: 8, maxConcurrency: 8 }, { n: 1000, latencyMs: 20, concurrency: 8, maxConcurrency: 8 }]
  : []
const syncScenarios: SyncScenario[] = full
  ? [
      { n: 1000, latencyMs: 0, concurrency: 8 },
      { n: 10_000, latencyMs: 0, concurrency: 8 },
      { n: 1000, latencyMs: 20, concurrency: 8 },
      { n: 1000, latencyMs: 0, concurrency: 8, maxConcurrency: 8 },
      { n: 1000, latencyMs: 20, concurrency: 8, maxConcurrency: 8 },
      { n: 10_000, latencyMs: 20, concurrency: 8 },
      { n: 100_000, latencyMs: 0, concurrency: 8, dryRun: true }
    ]
  : [
      { n: 1000, latencyMs: 0, concurrency: 8 },
      { n: 1000, latencyMs: 20, concurrency: 8 },
      ...fixedRows
    ]

const parts: Array<{ name: string, run: () => Promise<string> }> = [
  { name: 'sync', run: async () => await syncThroughput(syncScenarios) },
  {
    name: 'callback',
    run: async () => await callbackLatency({ latencies: [0, 20], concurrencies: [1, 8, 32], durationS: full ? 10 : 3, resources: full ? 8000 : 3000 })
  },
  {
    name: 'concurrency',
    run: async () => await concurrencyBench(full
      ? { latencyMs: 20, sequentialN: 200, flatN: 2000, capacityN: 600, workers: 5, rsScale: 0.5 }
      : { latencyMs: 20, sequentialN: 60, flatN: 1000, capacityN: 250, workers: 5, rsScale: 0.2 })
  },
  { name: 'stream', run: async () => await streamingMemory((full ? 1024 : 100) * 1024 * 1024) },
  { name: 'cold', run: async () => await coldStart(full ? 5 : 3) },
  {
    name: 'cli',
    run: async () => {
      const pushes = Number(process.env.BENCH_CLI_PUSHES ?? (full ? 10_000 : 1000))
      const dry = Number(process.env.BENCH_CLI_DRY ?? (full ? 100_000 : 10_000))
      return await builtCli([
        ...(pushes > 0 ? [{ n: pushes, latencyMs: 0 }] : []),
        ...(dry > 0 ? [{ n: dry, latencyMs: 0, dryRun: true }] : [])
      ])
    }
  },
  { name: 'export', run: async () => await packageExport((full ? 1024 : 100) * 1024 * 1024) },
  { name: 'resourcesync', run: async () => await resourceSyncHarvest(process.env.BENCH_RS_SIZES?.split(',').map(Number) ?? [100_000, 1_000_000]) }
]

const cpu = cpus()[0]?.model ?? 'unknown CPU'
process.stdout.write(`spacelink benchmarks (${full ? 'full' : 'quick'}) — ${new Date().toISOString()}\n` +
  `node ${process.version}, ${availableParallelism()} × ${cpu}, ${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM\n`)
const started = performance.now()
for (const part of parts) {
  if (!wanted(part.name)) continue
  process.stderr.write(`${part.name} …\n`)
  const partStarted = performance.now()
  try {
    process.stdout.write(await part.run())
  } catch (err) {
    process.stdout.write(`\n(${part.name}) could not run: ${(err as Error).stack ?? String(err)}\n`)
  }
  process.stderr.write(`${part.name} took ${((performance.now() - partStarted) / 1000).toFixed(0)} s\n`)
}
process.stdout.write(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s\n`)
