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
import { fieldOf, type CsStore } from './store.js'
import { rawValuesAt } from '../../cspace/record-path.js'

export interface CsAppOptions {
  store: CsStore
  faults: FaultInjector
  /** Added to every request before it is handled. */
  latencyMs?: number
}

const prefix = '/cspace-services'
const statePath = '/__sim/state'
/** Paths CS serves without credentials (health checks). */
const publicPaths = new Set([`${prefix}/systeminfo`, statePath, '/cspace/:tenant/record/collectionobject/:csid'])

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
  // The CS web UI's record page, where spacelink's "CollectionSpace record" links lead (a small stand-in,
  // open without a login so the demo's links work; a real CS asks the person to sign in).
  app.get<{ Params: { tenant: string, csid: string } }>('/cspace/:tenant/record/collectionobject/:csid', async (request, reply) => {
    const record = store.tenants.get(request.params.tenant)?.get(request.params.csid, 'collectionobjects')
    if (record === undefined) return await reply.code(404).type('text/html').send('<!DOCTYPE html><html><body><p>Record not found.</p></body></html>')
    const number = fieldOf(record, 'collectionobjects_common', 'objectNumber') ?? ''
    const title = rawValuesAt({ document: record.parts }, 'collectionobjects_common/titleGroupList/titleGroup/title')[0] ?? ''
    return await reply.type('text/html; charset=utf-8').send(`<!DOCTYPE html><html><head><title>${escapeHtml(number)} · CollectionSpace (simulated)</title></head><body><h1>${escapeHtml(number)}</h1><p>${escapeHtml(title)}</p><p>${escapeHtml(record.workflowState)}</p></body></html>`)
  })
  registerServiceRoutes(app)
  return app
}

function escapeHtml (value: string): string {
  return value.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}
