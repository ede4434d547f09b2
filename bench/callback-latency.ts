/**
 * (2) Callback latency: validate-cspace-id and push-resource through a listening spacelink (own process),
 * driven by autocannon at 1, 8 and 32 concurrent callers, at 0 and 20 ms simulated upstream latency.
 * Every request names another resource (a push of a fresh resource each time, never the idempotent
 * already-pushed answer); the 200 CS objects each receive many media. Simulator time per request comes from the transaction log (the upstream calls
 * spacelink timed), so overhead = mean latency seen by the caller − mean upstream time.
 */
import autocannon, { type Result } from 'autocannon'
import { openStore } from '../src/store/index.js'
import { demoKeys } from '../src/demo/start-demo.js'
import { cpuMsOf, startServerChild } from './child.js'
import { fixed, mbFromKb, table } from './format.js'
import { parentCpuMs, startUpstreams } from './upstreams.js'

export interface CallbackOptions {
  latencies: number[]
  concurrencies: number[]
  durationS: number
  /** Resources seeded per latency (pushes use each one once). */
  resources: number
}

interface Step { operation: string, ms: number }

/** Upstream time of one transaction: the calls in sequence, except the RS resource reads made in parallel. */
function upstreamMs (steps: Step[]): number {
  const sum = steps.reduce((a, s) => a + s.ms, 0)
  const data = steps.find(s => s.operation === 'get_resource_data')
  const fields = steps.find(s => s.operation === 'get_resource_field_data')
  return data !== undefined && fields !== undefined ? sum - Math.min(data.ms, fields.ms) : sum
}

export async function callbackLatency (opts: CallbackOptions): Promise<string> {
  const rows: string[][] = []
  const notes: string[] = []
  for (const latencyMs of opts.latencies) {
    process.stderr.write(`  callback: ${latencyMs} ms, seeding ${opts.resources} resources …\n`)
    const up = await startUpstreams({ latencyMs, n: opts.resources, objects: 200 })
    const server = await startServerChild('server-child.ts', { BENCH_CONFIG: up.configPath })
    const store = await openStore(up.config.database.url, { migrate: false })
    // Validations cycle over every resource; pushes take each resource once, from the other end.
    const refs = up.refs
    let validated = 0
    let pushed = 0
    const nextRef = (queryType: string): number => queryType === 'push-resource'
      ? refs[refs.length - 1 - (pushed++ % refs.length)] ?? 1
      : refs[validated++ % refs.length] ?? 1
    try {
      const fire = async (queryType: string, connections: number, durationS: number): Promise<Result> => await autocannon({
        url: `${server.url}/api/v1/callback`,
        connections,
        duration: durationS,
        timeout: 30,
        headers: { 'x-api-key': demoKeys.button, accept: 'application/json' },
        requests: [{
          method: 'POST',
          setupRequest: (req) => ({ ...req, method: 'POST', path: `/api/v1/callback?rsid=${nextRef(queryType)}&query_type=${queryType}` })
        }]
      })
      // Warm-up (JIT, pools, SQLite pages) on resources the measured runs will not use.
      await fire('validate-cspace-id', 8, 1)
      for (const queryType of ['validate-cspace-id', 'push-resource']) {
        for (const connections of opts.concurrencies) {
          process.stderr.write(`    ${queryType} × ${connections} …\n`)
          const from = new Date().toISOString()
          const cpuBefore = parentCpuMs()
          const serverCpuBefore = cpuMsOf(server.pid)
          const r = await fire(queryType, connections, opts.durationS)
          const parentCpu = (parentCpuMs() - cpuBefore) / (opts.durationS * 1000)
          const serverCpuAfter = cpuMsOf(server.pid)
          const serverCpu = serverCpuBefore === undefined || serverCpuAfter === undefined
            ? undefined
            : (serverCpuAfter - serverCpuBefore) / (opts.durationS * 1000)
          const to = new Date().toISOString()
          const txs = await store.db.selectFrom('transactions').select(['duration_ms', 'steps', 'outcome'])
            .where('query_type', '=', queryType).where('started_at', '>=', from).where('started_at', '<=', to).where('outcome', 'is not', null).execute()
          const upstream = txs.map(tx => upstreamMs(JSON.parse(tx.steps) as Step[]))
          const meanUpstream = upstream.reduce((a, b) => a + b, 0) / Math.max(1, upstream.length)
          const outcomes = new Map<string, number>()
          for (const tx of txs) outcomes.set(tx.outcome ?? '?', (outcomes.get(tx.outcome ?? '?') ?? 0) + 1)
          const expected = queryType === 'push-resource' ? 'pushed' : 'valid'
          const others = [...outcomes].filter(([o]) => o !== expected)
          if (others.length > 0 || r.non2xx > 0 || r.errors > 0) notes.push(`${queryType} × ${connections} at ${latencyMs} ms: ${r.non2xx} non-2xx, ${r.errors} errors, outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`)
          rows.push([
            queryType,
            String(latencyMs),
            String(connections),
            fixed(r.requests.average, 0),
            fixed(r.latency.p50, 1),
            fixed(r.latency.p99, 1),
            fixed(r.latency.mean, 1),
            fixed(meanUpstream, 1),
            fixed(r.latency.mean - meanUpstream, 1),
            String(r['2xx']),
            serverCpu === undefined ? 'n/a' : `${fixed(100 * serverCpu, 0)} %`,
            `${fixed(100 * parentCpu, 0)} %`
          ])
        }
      }
      if (pushed > refs.length) notes.push(`at ${latencyMs} ms the ${refs.length} seeded resources ran out: later pushes answered already-pushed`)
    } finally {
      await store.close()
      const stopped = await server.stop()
      notes.push(`spacelink server at ${latencyMs} ms: peak RSS ${mbFromKb(stopped.maxRssKb)} MB; on SIGTERM ${stopped.close}`)
      await up.close()
    }
  }
  return table('(2) callback latency (autocannon → spacelink in its own process → simulators; ms)',
    ['query_type', 'latency ms', 'callers', 'req/s', 'p50', 'p99', 'mean', 'upstream mean', 'overhead mean', '2xx', 'spacelink CPU', 'sims+load CPU'],
    rows) + notes.map(n => `  note: ${n}\n`).join('')
}
