/**
 * `spacelink demo`: the main job on embedded defaults. Starts the RS and CS simulators with the sample
 * museum, and spacelink wired to them on SQLite, then says what to click and curl.
 */
import type { FastifyInstance } from 'fastify'
import { startResourceSpaceSimulator, type RsSimulator } from '../simulators/resourcespace/index.js'
import { startCollectionSpaceSimulator, type CsSimulator } from '../simulators/collectionspace/index.js'
import { buildServer } from '../server.js'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { demoConfigDocument, demoConfigFor, demoKeys } from './demo-config.js'
import type { Config } from '../config/schema.js'
import { webhookHash } from '../auth/api-keys.js'

export interface Demo {
  config: Config
  /** The demo's configuration as a file, for the CLI (`--config`). */
  configFile: string
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
  const databaseUrl = opts.databaseUrl ?? 'sqlite:./data/demo.db'
  const config = demoConfigFor({ rs, cs }, { port, publicUrl: `http://127.0.0.1:${port}`, databaseUrl })
  const server = await buildServer(config, { schedule: opts.schedule ?? false })
  await server.listen({ host: config.server.host, port })
  const address = server.server.address()
  const actualPort = typeof address === 'object' && address !== null ? address.port : port
  const url = `http://127.0.0.1:${actualPort}`
  if (actualPort !== port) config.server.publicUrl = url
  // The CLI against the demo (`spacelink sync art --config …`) needs the simulators' ports: write them down.
  const configFile = join(
    databaseUrl.startsWith('sqlite:') && databaseUrl !== 'sqlite::memory:' ? dirname(databaseUrl.slice('sqlite:'.length)) : tmpdir(),
    'spacelink.demo.json'
  )
  await mkdir(dirname(configFile), { recursive: true })
  await writeFile(configFile, `${JSON.stringify(demoConfigDocument({
    rsApiUrl: rs.apiUrl,
rsUser: rs.user,
rsKey: rs.key,
csServicesUrl: cs.servicesUrl,
csUiUrl: cs.servicesUrl.replace(/cspace-services\/?$/, 'cspace/'),
    port: actualPort,
publicUrl: url,
databaseUrl,
adminKey: demoKeys.admin,
buttonKey: demoKeys.button,
webhookSecret: demoKeys.webhookSecret
  }), null, 2)}\n`)
  return {
    config,
    configFile,
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
  ${cb}?rsid=4&query_type=validate-cspace-id&key=${demoKeys.button}
  # the status page (sign in with the admin key): what needs attention, recent actions, sync runs:
  ${d.url}/
  # the log and the links:
  curl -s '${d.url}/api/v1/transactions' -H 'X-API-Key: ${demoKeys.admin}'
  curl -s '${d.url}/api/v1/links' -H 'X-API-Key: ${demoKeys.admin}'
  # the nightly sync of the art instance, now:
  curl -s -X POST '${d.url}/api/v1/sync-runs' -H 'X-API-Key: ${demoKeys.admin}' -H 'content-type: application/json' -d '{"instance":"art"}'

The CLI against this demo (its configuration is in ${d.configFile}):
  npm run spacelink -- sync art --config ${d.configFile}
  npm run spacelink -- config check --online --config ${d.configFile}
  npm run spacelink -- push art 4 --config ${d.configFile}

Ctrl-C stops everything.
`
}
