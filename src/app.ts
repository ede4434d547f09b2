/**
 * The root plugin: shared plugins from ../plugins, routes from ../routes, one problem+json error handler,
 * a not-found handler that answers 405 + Allow for a wrong method on a known path.
 * Register it with fastify-plugin (server.ts and the tests do) so these handlers apply everywhere.
 */
import path from 'node:path'
import type { FastifyInstance, FastifyPluginOptions } from 'fastify'
import autoload from '@fastify/autoload'
import type { Dispatcher } from 'undici'
import type { Config } from './config/schema.js'
import type { Spacelink, SpacelinkOptions } from './spacelink.js'
import type { Store } from './store/index.js'
import { problemContentType, problemFromError, problem } from './http/problem.js'
import { prefersHtml } from './http/negotiate.js'
import { pageHeaders } from './pages/headers.js'
import { problemPage } from './pages/problem-page.js'

export interface AppOptions extends FastifyPluginOptions {
  config: Config
  /** A ready domain (tests, the demo); otherwise plugins/spacelink.ts builds one from the config. */
  spacelink?: Spacelink
  store?: Store
  rsDispatcher?: Dispatcher
  csDispatcher?: Dispatcher
  /** Start the per-instance sync schedules (the server does; tests usually do not). */
  schedule?: boolean
  /** Replacements for the clock and the deadline timer (tests). */
  services?: SpacelinkOptions['services']
  /** On close, how long requests in flight may go on before their connections are cut (default: half the close grace). */
  drainMs?: number
  /** spacelink's clock (tests): status sentences, failure schedules, the sync watch. */
  now?: () => Date
}

const root = path.join(import.meta.dirname, '..')

export default async function app (fastify: FastifyInstance, opts: AppOptions): Promise<void> {
  const routeMethods: Array<{ pattern: RegExp, methods: Set<string> }> = []
  fastify.addHook('onRoute', route => {
    if (route.url === '*' || route.url.includes('*')) return
    const pattern = new RegExp(`^${route.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+')}/?$`)
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const known = routeMethods.find(r => r.pattern.source === pattern.source)
    if (known === undefined) routeMethods.push({ pattern, methods: new Set(methods) })
    else for (const m of methods) known.methods.add(m)
  })

  fastify.setErrorHandler(function onError (err, request, reply) {
    const body = problemFromError(err)
    if (body.status >= 500) request.log.error({ err, method: request.method, url: request.routeOptions.url }, 'request failed')
    else request.log.info({ code: body.code, detail: body.detail }, 'request refused')
    // Pages for people: a browser gets the refusal as a page it can read (and go back from).
    if (request.routeOptions.config?.htmlErrors === true && prefersHtml(request.headers.accept)) {
      return reply.code(body.status).headers(pageHeaders()).type('text/html; charset=utf-8').send(problemPage(body.title, body.detail ?? body.title))
    }
    // A download that failed before its first byte: the problem must not be saved as the archive.
    reply.removeHeader('content-disposition')
    if (body.status === 405) reply.header('allow', (err as { allow?: string }).allow ?? '')
    if (body.status === 401) reply.header('www-authenticate', 'Bearer realm="spacelink"')
    return reply.code(body.status).type(problemContentType).send({ ...body, instance: request.url.split('?')[0] })
  })

  fastify.setNotFoundHandler(function onNotFound (request, reply) {
    const path = request.url.split('?')[0] ?? ''
    const known = routeMethods.find(r => r.pattern.test(path))
    if (known !== undefined) {
      const allow = [...known.methods].sort().join(', ')
      return reply.code(405).header('allow', allow).type(problemContentType)
        .send({ ...problem(405, 'METHOD_NOT_ALLOWED', 'Method not allowed', `${request.method} is not allowed on ${path}; use ${allow}`), instance: path })
    }
    return reply.code(404).type(problemContentType).send({ ...problem(404, 'NOT_FOUND', 'Not found', `nothing at ${path}`), instance: path })
  })

  // Handlers first: contexts created by the registrations below inherit them.
  await fastify.register(autoload, { dir: path.join(root, 'plugins'), options: opts, forceESM: true })
  await fastify.register(autoload, { dir: path.join(root, 'routes'), options: opts, forceESM: true })
}
