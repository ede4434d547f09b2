/**
 * The simulated CollectionSpace services as a Fastify app: Basic auth per request (tenant = the user's
 * tenant), XML and multipart bodies, text/plain errors, per-operation call counters, optional latency,
 * fault injection, and a read-only `GET /__sim/state` for tests and the demo.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import type { FaultInjector } from '../faults.js'
import { requireAuth } from './auth.js'
import { systemInfoDocument } from './documents.js'
import { notFound } from './http-error.js'
import { boundaryOf, readMultipart } from './multipart.js'
import { registerServiceRoutes } from './routes.js'
import type { CsStore } from './store.js'

export interface CsAppOptions {
  store: CsStore
  faults: FaultInjector
  /** Added to every request before it is handled. */
  latencyMs?: number
}

const prefix = '/cspace-services'
const statePath = '/__sim/state'
/** Paths CS serves without credentials (health checks). */
const publicPaths = new Set([`${prefix}/systeminfo`, statePath])

/** `GET /cspace-services/media/:csid` → `GET /media/{csid}`: the label counters and faults use. */
export function operationOf (request: FastifyRequest): string | undefined {
  const url = request.routeOptions.url
  if (url === undefined || url === statePath) return undefined
  return `${request.method} ${url.replace(prefix, '').replace(/:(\w+)/g, '{$1}')}`
}

export function buildCollectionSpaceApp ({ store, faults, latencyMs = 0 }: CsAppOptions): FastifyInstance {
  // Hung and half-open connections must not keep close() waiting.
  const app = Fastify({ logger: false, forceCloseConnections: true })

  app.addHook('onRequest', async (request, reply) => {
    const operation = operationOf(request)
    if (operation !== undefined) store.count(operation)
    if (latencyMs > 0 && request.routeOptions.url !== statePath) await sleep(latencyMs)
    if (publicPaths.has(request.routeOptions.url ?? '')) return
    return await requireAuth(store, request, reply)
  })
  faults.install(app, operationOf)

  app.removeAllContentTypeParsers()
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string', bodyLimit: 16 * 1024 * 1024 }, (_request, body, done) => {
    done(null, body)
  })
  // Blob uploads are read as they arrive; no body limit (derivatives can be large).
  app.addContentTypeParser('multipart/form-data', async (request: FastifyRequest, payload: AsyncIterable<Buffer>) => {
    return await readMultipart(payload, boundaryOf(request.headers['content-type']))
  })

  app.setErrorHandler(async (error: Error & { statusCode?: number }, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    // Error bodies are text/plain on the real server, even when JSON was asked for.
    return await reply.code(status).type('text/plain').send(status === 500 ? `${error.message} detail: ${error.name}` : error.message)
  })
  app.setNotFoundHandler(async (request) => {
    throw notFound(`Not found: ${request.method} ${request.url.split('?')[0] ?? ''}`)
  })

  app.get(`${prefix}/systeminfo`, async (_request, reply) => await reply.type('application/xml').send(systemInfoDocument()))
  app.get<{ Querystring: { tenant?: string } }>(statePath, async (request) => {
    const tenant = request.query.tenant
    if (tenant !== undefined && !store.tenants.has(tenant)) throw notFound(`no tenant ${tenant}`)
    return store.state(tenant)
  })
  registerServiceRoutes(app)
  return app
}
