import Fastify from 'fastify'
import { request } from 'undici'
import { FaultInjector } from '../src/simulators/faults.js'
const app = Fastify({ forceCloseConnections: true })
const f = new FaultInjector()
f.install(app, (r) => r.url.startsWith('/x') ? 'x' : undefined)
let writes = 0
app.get('/x', async () => { writes++; return { ok: true } })
await app.listen({ port: 0, host: '127.0.0.1' })
const addr = app.server.address() as any
const url = `http://127.0.0.1:${addr.port}/x`
for (const kind of ['status', 'reset', 'fail-after-write', 'latency', 'hang'] as const) {
  f.clear(); f.add({ match: { operation: 'x' }, kind, status: 503, ms: 100, times: 1 })
  try {
    const res = await request(url, { headersTimeout: 500 })
    console.log(kind, res.statusCode, await res.body.text(), writes)
  } catch (e: any) { console.log(kind, 'ERR', e.code, writes) }
}
const res = await request(url); console.log('after', res.statusCode, await res.body.text())
f.add({ match: { operation: 'x' }, kind: 'hang' })
request(url).catch((e) => console.log('hung ended', e.code))
await new Promise((r) => setTimeout(r, 100))
const t = Date.now(); await app.close(); console.log('closed in', Date.now() - t)
