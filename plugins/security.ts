/**
 * CORS only for the configured origins, and a rate limit per API key (per address for anonymous calls),
 * answered as a 429 problem.
 */
import fp from 'fastify-plugin'
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import type { AppOptions } from '../src/app.js'
import { fingerprint } from '../src/auth/api-keys.js'
import { problem } from '../src/http/problem.js'

export default fp<AppOptions>(async function securityPlugin (fastify, opts) {
  const { server } = opts.config
  const configured = new Set(server.apiKeys.map(k => fingerprint(k.key)))
  await fastify.register(cors, { origin: server.corsOrigins.length === 0 ? false : server.corsOrigins, methods: ['GET', 'POST'] })
  await fastify.register(rateLimit, {
    max: server.rateLimit.max,
    timeWindow: server.rateLimit.timeWindow,
    allowList: (request) => request.url === '/health' || request.url === '/ready',
    keyGenerator (request) {
      // A bucket per configured key; anything else (no key, a made-up key) counts against the address,
      // so random keys cannot buy fresh buckets.
      const auth = request.headers.authorization
      const bearer = typeof auth === 'string' ? auth.replace(/^Bearer\s+/i, '').trim() : undefined
      const given = request.headers['x-api-key'] ?? bearer ?? new URL(request.url, 'http://x').searchParams.get('key') ?? undefined
      const id = typeof given === 'string' && given !== '' ? fingerprint(given) : undefined
      return id !== undefined && configured.has(id) ? `key:${id}` : `ip:${request.ip}`
    },
    errorResponseBuilder (_request, context) {
      return { ...problem(429, 'RATE_LIMITED', 'Too many requests', `limit of ${context.max} requests per ${context.after} reached`), statusCode: 429 }
    }
  })
}, { name: 'security' })
