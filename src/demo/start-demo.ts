/**
 * `spacelink demo`: the main job on embedded defaults. Starts the RS and CS simulators with the sample
 * museum, and spacelink wired to them on SQLite, then says what to click and curl.
 */
import type { FastifyInstance } from 'fastify'
import { startResourceSpaceSimulator, type RsSimulator } from '../simulators/resourcespace/index.js'
import { startCollectionSpaceSimulator, type CsSimulator } from '../simulators/collectionspace/index.js'
import { buildServer } from '../server.js'
import { demoConfigFor, demoKeys } from './demo-config.js'
import type { Config } from '../config/schema.js'
import { webhookHash } from '../auth/api-keys.js'

export interface Demo {
  config: Config
  rs: RsSimulator
  cs: CsSimulator
  server: FastifyInstance
  url: string
  close: () => Promise<void>
}

export { demoKeys }

export async function startDemo (opts: { port?: number, databaseUrl?: string, latencyMs?: number, schedule?: boolean } = {}): Promise<Demo> {
  const rs = await startResourceSpaceSimulator({ latencyMs: opts.latencyMs ?? 0 })
  const cs = await startCollectionSpaceSimulator({ latencyMs: opts.latencyMs ?? 0 })
  const port = opts.port ?? 3000
  const config = demoConfigFor({ rs, cs }, {
    port,
    publicUrl: `http://127.0.0.1:${port}`,
    databaseUrl: opts.databaseUrl ?? 'sqlite:./data/demo.db'
  })
  const server = await buildServer(config, { schedule: opts.schedule ?? false })
  await server.listen({ host: config.server.host, port })
  const address = server.server.address()
  const actualPort = typeof address === 'object' && address !== null ? address.port : port
  const url = `http://127.0.0.1:${actualPort}`
  if (actualPort !== port) config.server.publicUrl = url
  return {
    config,
    rs,
    cs,
    server,
    url,
    close: async () => {
      await server.close()
      await Promise.all([rs.close(), cs.close()])
    }
  }
}

export function demoInstructions (d: Demo): string {
  const cb = `${d.url}/api/v1/callback`
  return `spacelink demo is running (SQLite, simulated ResourceSpace and CollectionSpace with a small sample museum)

  spacelink       ${d.url}        (docs: ${d.url}/docs, health: ${d.url}/health, ready: ${d.url}/ready)
  ResourceSpace   ${d.rs.apiUrl}  (simulated; state: ${d.rs.baseUrl}__sim/state)
  CollectionSpace ${d.cs.servicesUrl}  (simulated; state: ${d.cs.servicesUrl.replace(/cspace-services\/?$/, '')}__sim/state)

Keys: admin ${demoKeys.admin}   button ${demoKeys.button}   webhook secret ${demoKeys.webhookSecret}

Try (resource 1 is object 2019.12.3 by Georgia O'Keeffe; 4 is ambiguous; 3 has its number only in the filename):
  curl -s -X POST '${cb}?rsid=1&query_type=validate-cspace-id' -H 'X-API-Key: ${demoKeys.button}'
  curl -s -X POST '${cb}?rsid=2&query_type=retrieve-metadata&dry_run=true' -H 'X-API-Key: ${demoKeys.button}'
  curl -s -X POST '${cb}?rsid=1&query_type=push-resource' -H 'X-API-Key: ${demoKeys.button}'
  curl -s -X POST '${cb}?rsid=4&query_type=validate-cspace-id' -H 'X-API-Key: ${demoKeys.button}'
  # exactly what an RS api_webhooks button sends (bare ref body, hash of the ref):
  curl -s -X POST '${cb}?query_type=push-resource&rsid=3&hash=${webhookHash(demoKeys.webhookSecret, 3)}' -H 'Content-type: application/x-www-form-urlencoded' --data-binary 3
  # in a browser (confirmation page, then a POST button):
  ${cb}?rsid=2&query_type=retrieve-metadata&key=${demoKeys.button}
  # the log and the links:
  curl -s '${d.url}/api/v1/transactions' -H 'X-API-Key: ${demoKeys.admin}'
  curl -s '${d.url}/api/v1/links' -H 'X-API-Key: ${demoKeys.admin}'
  # the nightly sync of the art instance, now:
  curl -s -X POST '${d.url}/api/v1/sync-runs' -H 'X-API-Key: ${demoKeys.admin}' -H 'content-type: application/json' -d '{"instance":"art"}'

Ctrl-C stops everything.
`
}
