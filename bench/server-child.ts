/**
 * spacelink's HTTP server in a process of its own for load tests: `BENCH_CONFIG=<file>`. Prints
 * `LISTENING <url>` once it accepts connections. On SIGTERM it reports its peak RSS and how its close went
 * (closed after n ms, or still closing after 10 s), then exits.
 */
import { loadConfig } from '../src/config/load.js'
import { buildServer } from '../src/server.js'
import { peakRssKb, report } from './child.js'

const closeBudgetMs = 10_000

const config = loadConfig({ path: process.env.BENCH_CONFIG ?? '', env: process.env })
const server = await buildServer(config, { schedule: false })
await server.listen({ host: '127.0.0.1', port: 0 })
const address = server.server.address()
const port = typeof address === 'object' && address !== null ? address.port : 0
process.stdout.write(`LISTENING http://127.0.0.1:${port}\n`)

process.once('SIGTERM', () => {
  const maxRssKb = peakRssKb()
  const started = performance.now()
  const closing = server.close().then(() => `closed in ${Math.round(performance.now() - started)} ms`, (err: unknown) => `close failed: ${String(err)}`)
  const budget = new Promise<string>(resolve => setTimeout(resolve, closeBudgetMs, `still closing after ${closeBudgetMs} ms`).unref())
  Promise.race([closing, budget])
    .then(async close => { await report({ maxRssKb, close }) })
    .finally(() => process.exit(0))
})
