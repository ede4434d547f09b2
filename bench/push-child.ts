/**
 * One push-resource in a process of its own: `BENCH_CONFIG=<file> BENCH_RSID=<n>`. Reports the outcome,
 * the bytes sent, the time of the push alone, RSS before it and the peak RSS of the process.
 */
import { loadConfig } from '../src/config/load.js'
import { createSpacelink } from '../src/spacelink.js'
import { peakRssKb, report } from './child.js'

const config = loadConfig({ path: process.env.BENCH_CONFIG ?? '', env: process.env })
const spacelink = await createSpacelink({ config })
const rssBeforeKb = process.memoryUsage().rss / 1024
const started = performance.now()
const result = await spacelink.run({ rsid: Number(process.env.BENCH_RSID ?? 1), queryType: 'push-resource', caller: 'cli', instance: 'art', dryRun: false, force: false })
const ms = performance.now() - started
const link = (await spacelink.store.links.findByRsid(Number(process.env.BENCH_RSID ?? 1)))[0]
await spacelink.close()
await report({ outcome: result.outcome, message: result.message, bytes: link?.byteLength ?? 0, ms, rssBeforeKb, maxRssKb: peakRssKb() })
// Measured and reported: leave now rather than wait for any timer still pending.
process.exit(0)
