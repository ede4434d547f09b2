/**
 * CORS only for the configured origins, and a rate limit per API key (per address for anonymous calls),
 * answered as a 429 problem that says the limit, its window and when the caller may try again.
 */
import fp from 'fastify-plugin'
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import type { AppOptions } from '../src/app.js'
import { credentialsFrom, fingerprint, presentedKey } from '../src/auth/api-keys.js'
import { problem } from '../src/http/problem.js'

/** `60000` → `60 seconds`; a text window (`1 minute`) is said as configured. */
export function describeWindow (timeWindow: number | string): string {
  if (typeof timeWindow === 'string') return timeWindow
  return timeWindow % 1000 === 0 ? `${timeWindow / 1000} seconds` : `${timeWindow} ms`
}

export default fp<AppOptions>(async function securityPlugin (fastify, opts) {
  const { server } = opts.config
  const configured = new Set(server.apiKeys.map(k => fingerprint(k.key)))
  const window = describeWindow(server.rateLimit.timeWindow)
  await fastify.register(cors, { origin: server.corsOrigins.length === 0 ? false : server.corsOrigins, methods: ['GET', 'POST'] })
  await fastify.register(rateLimit, {
    max: server.rateLimit.max,
    timeWindow: server.rateLimit.timeWindow,
    allowList: (request) => request.url === '/health' || request.url === '/ready',
    keyGenerator (request) {
      // The bucket of the key the caller is authenticated by (Bearer first, as authentication does); anything
      // else (no key, a made-up key) counts against the address, so random keys cannot buy fresh buckets.
      const given = presentedKey(credentialsFrom(request.headers, request.query))
      const id = given === undefined ? undefined : fingerprint(given)
      return id !== undefined && configured.has(id) ? `key:${id}` : `ip:${request.ip}`
    },
    errorResponseBuilder (_request, context) {
      const wait = Math.max(1, Math.ceil(context.ttl / 1000))
      return {
        ...problem(
          429,
          'RATE_LIMITED',
          'Too many requests',
          `limit of ${context.max} requests per ${window} reached; try again in ${wait} s`,
          { retryAfterSeconds: wait }
        ),
        statusCode: 429
      }
    }
  })
}, { name: 'security' })
