/**
 * Starts the simulated CollectionSpace on loopback, seeded with the sample museum (tenants `art` and
 * `film`), for tests and `spacelink demo`. Real HTTP, real multipart streaming, real NXQL escaping.
 */
import type { FastifyInstance } from 'fastify'
import { FaultInjector } from '../faults.js'
import { sampleObjects, type SampleObject } from '../sample-museum.js'
import { buildCollectionSpaceApp } from './app.js'
import { objectParts } from './seed.js'
import { CsStore, type CsState, type TenantAccount } from './store.js'

export type { CsState } from './store.js'

export interface CsSimulatorOptions {
  /** Tenant name → its service account. Default: `art` and `film`, users `<tenant>@spacelink.demo`, password `demo`. */
  tenants?: Record<string, TenantAccount>
  /** Load the sample museum's objects into their tenants (default true). */
  seed?: boolean
  latencyMs?: number
  host?: string
  /** 0 (default) picks a free port. */
  port?: number
}

export interface CsSimulator {
  /** `http://127.0.0.1:PORT/cspace-services/` */
  servicesUrl: string
  faults: FaultInjector
  /** Everything the simulator holds, for one tenant or all of them. */
  state: (tenant?: string) => CsState
  /** Adds a collection object as seed data (not logged as a write). */
  addObject: (o: SampleObject) => void
  close: () => Promise<void>
  app: FastifyInstance
}

export const defaultTenants: Record<string, TenantAccount> = {
  art: { user: 'art@spacelink.demo', password: 'demo' },
  film: { user: 'film@spacelink.demo', password: 'demo' }
}

export async function startCollectionSpaceSimulator (opts: CsSimulatorOptions = {}): Promise<CsSimulator> {
  const store = new CsStore(opts.tenants ?? defaultTenants, (tenant) => `${tenant}.spacelink.demo`)
  const faults = new FaultInjector()
  const app = buildCollectionSpaceApp({ store, faults, latencyMs: opts.latencyMs ?? 0 })

  const addObject = (o: SampleObject): void => {
    const tenant = store.tenant(o.tenant)
    const admin = `admin@${tenant.domain}`
    tenant.insert({
      csid: o.csid,
      service: 'collectionobjects',
      parts: objectParts(o),
      createdAt: o.updatedAt,
      createdBy: admin,
      updatedAt: o.updatedAt,
      updatedBy: admin,
      workflowState: o.deleted === true ? 'deleted' : 'project'
    })
  }
  if (opts.seed !== false) {
    for (const o of sampleObjects) if (store.tenants.has(o.tenant)) addObject(o)
  }

  const host = opts.host ?? '127.0.0.1'
  await app.listen({ host, port: opts.port ?? 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : opts.port
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    servicesUrl: `http://${urlHost}:${String(port)}/cspace-services/`,
    faults,
    state: (tenant?: string) => store.state(tenant),
    addObject,
    close: async () => { await app.close() },
    app
  }
}
