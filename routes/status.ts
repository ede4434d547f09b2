/**
 * The status page for people (GET /, GET /status/transactions/:id): server-rendered HTML, signed in with
 * an admin key once (routes/login.ts). Buttons on these pages POST to /api/v1/callback with a CSRF token;
 * nothing here writes. Programs asking for JSON at `/` get the API's index of links instead.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { SpacelinkError } from '../src/errors.js'
import { apiUrl, rsResourceUrl, signInUrl } from '../src/http/links.js'
import { prefersHtml } from '../src/http/negotiate.js'
import { loadStatus, retryable, revertable } from '../src/pages/status-data.js'
import { parseStatusFilters } from '../src/pages/status-filters.js'
import { statusPage, type StatusUrls } from '../src/pages/status-page.js'
import { transactionPage } from '../src/pages/transaction-page.js'

const status: FastifyPluginAsyncTypebox = async function status (fastify) {
  const { config, store } = fastify.spacelink
  // Read per request: the demo learns its public URL only once it listens.
  const urls = (): StatusUrls => ({
    self: apiUrl(config, '/'),
    callback: apiUrl(config, '/api/v1/callback'),
    transaction: (id: string) => apiUrl(config, `/status/transactions/${encodeURIComponent(id)}`),
    resource: (rsid: number) => rsResourceUrl(config, rsid)
  })

  /** A person who is not signed in goes to the sign-in, and comes back here afterwards. */
  function signInFirst (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
    if (fastify.sessionOf(request) !== undefined) return undefined
    return reply.redirect(signInUrl(config, request.url), 303)
  }

  fastify.get('/', { schema: { hide: true }, config: { htmlErrors: true } }, async function statusOrIndex (request, reply) {
    if (!prefersHtml(request.headers.accept)) {
      return await reply.type('application/hal+json; charset=utf-8').send({ _links: apiIndex() })
    }
    const away = signInFirst(request, reply)
    if (away !== undefined) return away
    const filters = parseStatusFilters(request.query as Record<string, unknown>, Object.keys(config.instances))
    const data = await loadStatus(store, filters, fastify.spacelink.now())
    return reply.sendPage(statusPage({
      urls: urls(),
      csrf: reply.generateCsrf(),
      instances: Object.keys(config.instances),
      attention: data.attention,
      recent: { ...data.recent, filters },
      runs: data.runs,
      nights: data.nights,
      chrome: fastify.chromeOf(request, reply)
    }))
  })

  fastify.get('/status/transactions/:id', {
    schema: { hide: true, params: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }) }) },
    config: { htmlErrors: true }
  }, async function transactionDetail (request, reply) {
    const away = signInFirst(request, reply)
    if (away !== undefined) return away
    const t = await store.transactions.get(request.params.id)
    if (t === undefined) throw new SpacelinkError('TRANSACTION_NOT_FOUND', 404, 'Unknown transaction', `spacelink has no transaction ${request.params.id}`)
    return reply.sendPage(transactionPage({
      config,
      transaction: t,
      csrf: reply.generateCsrf(),
      urls: {
        status: apiUrl(config, '/'),
        callback: apiUrl(config, '/api/v1/callback'),
        resource: rsResourceUrl(config, t.rsid),
        ...(t.syncRunId === null ? {} : { syncRun: apiUrl(config, `/api/v1/sync-runs/${t.syncRunId}`) })
      },
      revertable: revertable(config, t),
      retryable: retryable(t),
      chrome: fastify.chromeOf(request, reply)
    }))
  })

  function apiIndex (): Record<string, { href: string }> {
    return {
      self: { href: apiUrl(config, '/') },
      transactions: { href: apiUrl(config, '/api/v1/transactions') },
      links: { href: apiUrl(config, '/api/v1/links') },
      syncRuns: { href: apiUrl(config, '/api/v1/sync-runs') },
      instances: { href: apiUrl(config, '/api/v1/instances') },
      callback: { href: apiUrl(config, '/api/v1/callback') },
      openapi: { href: apiUrl(config, '/openapi.json') },
      docs: { href: apiUrl(config, '/docs') },
      problems: { href: apiUrl(config, '/docs/problems') },
      resourcesync: { href: apiUrl(config, '/.well-known/resourcesync') }
    }
  }
}

export default status
