/**
 * An end-to-end rig: the RS and CS simulators on loopback with the sample museum, and the spacelink app
 * wired to them over real HTTP with the demo configuration, on a fresh database of the chosen engine.
 */
import type { FastifyInstance } from 'fastify'
import { buildServer } from '../../src/server.js'
import { demoConfigFor } from '../../src/demo/demo-config.js'
import { demoKeys } from '../../src/demo/start-demo.js'
import type { Config } from '../../src/config/schema.js'
import { startResourceSpaceSimulator, type RsSimulator, type RsSimulatorOptions } from '../../src/simulators/resourcespace/index.js'
import { startCollectionSpaceSimulator, type CsSimulator } from '../../src/simulators/collectionspace/index.js'
import { freshDatabaseUrl, type Engine, type Teardown } from './databases.js'
import { webhookHash } from '../../src/auth/api-keys.js'
import { sampleFields } from '../../src/simulators/sample-museum.js'

export interface Harness {
  app: FastifyInstance
  rs: RsSimulator
  cs: CsSimulator
  config: Config
  keys: typeof demoKeys
  /** Current value of an RS field of a resource, by field ref (8 title, 12 date, 89 synced, 90 CS URL, 91 status, 92 creator). */
  rsField: (rsid: number, field: number) => string
  /** Sets an RS field as a person editing in RS would (no spacelink involved). */
  editRsField: (rsid: number, field: string, value: string) => void
  /** The hash RS's api_webhooks appends for a resource. */
  hash: (rsid: number) => string
}

export interface HarnessOptions {
  engine?: Engine
  latencyMs?: number
  configure?: (config: Config) => void
  /** Receives the server's JSON log lines. */
  logStream?: { write: (line: string) => void }
  /** Replacements for spacelink's clock and deadline timer. */
  services?: HarnessServices
  /** The RS simulator's main user's permissions (default: RS's Administrators group, without `a`). */
  rsPermissions?: string
  /** The clock of the sync watch. */
  now?: () => Date
  /** How long close() lets requests in flight go on. */
  drainMs?: number
  /** More options for the RS simulator (capacity, latency profile). */
  rsOptions?: RsSimulatorOptions
}

type HarnessServices = NonNullable<Parameters<typeof buildServer>[1]>['services']

export async function startHarness (t: Teardown, opts: HarnessOptions = {}): Promise<Harness> {
  const rs = await startResourceSpaceSimulator({
    latencyMs: opts.latencyMs ?? 0,
    ...(opts.rsPermissions === undefined ? {} : { permissions: opts.rsPermissions }),
    ...opts.rsOptions
  })
  t.teardown(() => rs.close())
  const cs = await startCollectionSpaceSimulator({ latencyMs: opts.latencyMs ?? 0 })
  t.teardown(() => cs.close())
  const config = demoConfigFor({ rs, cs }, {
    port: 0,
    publicUrl: 'http://spacelink.test',
    databaseUrl: await freshDatabaseUrl(t, opts.engine ?? 'sqlite')
  })
  config.server.logLevel = 'silent'
  config.sync.retryBaseDelayMs = 5
  opts.configure?.(config)
  const server = await buildServer(config, {
    schedule: false,
    ...(opts.services === undefined ? {} : { services: opts.services }),
    ...(opts.now === undefined ? {} : { now: opts.now }),
    ...(opts.drainMs === undefined ? {} : { drainMs: opts.drainMs })
  }, opts.logStream)
  await server.ready()
  t.teardown(() => server.close())
  return {
    app: server,
    rs,
    cs,
    config,
    keys: demoKeys,
    rsField: (rsid, field) => rs.state().resources.find(r => r.ref === rsid)?.fields[sampleFields.find(f => f.ref === field)?.name ?? String(field)] ?? '',
    editRsField: (rsid, field, value) => {
      const resource = rs.store.resources.get(rsid)
      const definition = rs.store.field(field)
      if (resource === undefined || definition === undefined) throw new Error(`no resource ${rsid} or field ${field}`)
      rs.store.setText(resource, definition, value)
    },
    hash: rsid => webhookHash(demoKeys.webhookSecret, rsid)
  }
}
