/**
 * `fastify.authorize(request, scope)`: checks the API key of a request (Bearer, X-API-Key or `key=`) and
 * its scope; answers 401/403 problems through the error handler. The callback route adds the webhook hash,
 * and (with `{ session: true }`, only where a CSRF token was checked first) the status page's sign-in.
 * `fastify.adminOnly` and `fastify.metricsOnly` are the onRequest hooks of the admin routes and /metrics.
 */
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { authenticate, authenticateMetrics, credentialsFrom, presentedKey, type Credentials, type Principal, type Scope } from '../src/auth/api-keys.js'

declare module 'fastify' {
  interface FastifyInstance {
    authorize: (request: FastifyRequest, scope: Scope, extra?: Credentials, opts?: { session?: boolean }) => Principal
    /** onRequest hook: admin scope required. */
    adminOnly: (request: FastifyRequest) => Promise<void>
    /** onRequest hook: the metrics token or the admin scope. */
    metricsOnly: (request: FastifyRequest) => Promise<void>
  }
  interface FastifyRequest {
    principal?: Principal
  }
}

export function credentialsOf (request: FastifyRequest): Credentials {
  return credentialsFrom(request.headers, request.query)
}

/** `key=` has done its work once the caller is known; the route's query schema need not list it. */
function dropKeyParameter (request: FastifyRequest): void {
  const query = request.query as Record<string, unknown> | undefined
  if (query !== undefined && query !== null && typeof query === 'object' && 'key' in query) delete query.key
}

export default fp(async function authPlugin (fastify) {
  const { server, resourcespace } = fastify.spacelink.config
  if (server.allowAnonymous) fastify.log.warn('server.allowAnonymous is on: anyone who can reach spacelink may use every route')
  else if (server.apiKeys.length === 0 && resourcespace.webhookSecret === undefined) fastify.log.warn('no API keys and no webhook secret configured: every call will be refused')
  fastify.decorate('authorize', function authorize (request: FastifyRequest, scope: Scope, extra: Credentials = {}, opts: { session?: boolean } = {}) {
    const credentials = { ...extra, ...credentialsOf(request) }
    // A key or hash the caller gives is judged on its own; the sign-in counts only when none is given.
    const signedIn = opts.session === true && presentedKey(credentials) === undefined && credentials.hash === undefined ? fastify.sessionOf(request) : undefined
    const principal = signedIn ?? authenticate(fastify.spacelink.config, credentials, scope)
    request.principal = principal
    return principal
  })
  fastify.decorate('adminOnly', async function adminOnly (request: FastifyRequest) {
    fastify.authorize(request, 'admin')
    dropKeyParameter(request)
  })
  fastify.decorate('metricsOnly', async function metricsOnly (request: FastifyRequest) {
    request.principal = authenticateMetrics(fastify.spacelink.config, credentialsOf(request))
    dropKeyParameter(request)
  })
}, { name: 'auth', dependencies: ['spacelink', 'session'] })
