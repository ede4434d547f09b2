/**
 * `fastify.authorize(request, scope)`: checks the API key of a request (Bearer, X-API-Key or `key=`) and
 * its scope; answers 401/403 problems through the error handler. The callback route adds the webhook hash.
 */
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { authenticate, type Credentials, type Principal, type Scope } from '../src/auth/api-keys.js'

declare module 'fastify' {
  interface FastifyInstance {
    authorize: (request: FastifyRequest, scope: Scope, extra?: Credentials) => Principal
  }
  interface FastifyRequest {
    principal?: Principal
  }
}

export function credentialsOf (request: FastifyRequest): Credentials {
  const header = request.headers.authorization
  const bearer = typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined
  const apiKeyHeader = request.headers['x-api-key']
  const queryKey = (request.query as Record<string, unknown> | undefined)?.key
  const key = typeof apiKeyHeader === 'string' ? apiKeyHeader : typeof queryKey === 'string' ? queryKey : undefined
  return { ...(bearer === undefined ? {} : { bearer }), ...(key === undefined ? {} : { key }) }
}

export default fp(async function authPlugin (fastify) {
  const { server, resourcespace } = fastify.spacelink.config
  if (server.allowAnonymous) fastify.log.warn('server.allowAnonymous is on: anyone who can reach spacelink may use every route')
  else if (server.apiKeys.length === 0 && resourcespace.webhookSecret === undefined) fastify.log.warn('no API keys and no webhook secret configured: every call will be refused')
  fastify.decorate('authorize', function authorize (request: FastifyRequest, scope: Scope, extra: Credentials = {}) {
    const principal = authenticate(fastify.spacelink.config, { ...extra, ...credentialsOf(request) }, scope)
    request.principal = principal
    return principal
  })
}, { name: 'auth', dependencies: ['spacelink'] })
