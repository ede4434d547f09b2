/**
 * OpenAPI document at /openapi.json and browsable docs at /docs, generated from the route schemas: every
 * route with its request and response schemas and its security (set per route; public routes say `[]`).
 */
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { AppOptions } from '../src/app.js'

export default fp<AppOptions>(async function openapiPlugin (fastify, opts) {
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'spacelink',
        description: 'Links ResourceSpace (images) and CollectionSpace (object records). Errors are RFC 9457 problem details; every `code` is explained at /docs/problems.',
        version: '1',
        license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' }
      },
      servers: [{ url: opts.config.server.publicUrl }],
      tags: [
        { name: 'callback', description: 'The one endpoint RS buttons, browser links and scripts call' },
        { name: 'transactions', description: 'Every action spacelink took' },
        { name: 'links', description: 'RS resources linked to CS objects and media' },
        { name: 'sync-runs', description: 'Nightly and manual syncs' },
        { name: 'instances', description: 'Configured CollectionSpace instances' },
        { name: 'operations', description: 'Health, readiness, metrics, problem documentation' }
      ],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API key (or, for /metrics only, the metrics token)' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key' },
          apiKeyQuery: { type: 'apiKey', in: 'query', name: 'key', description: 'An API key in the URL (RS button URLs cannot send headers)' },
          webhookHash: { type: 'apiKey', in: 'query', name: 'hash', description: 'RS api_webhooks: hex HMAC-SHA256(webhook secret, rsid); callback only' }
        }
      }
    }
  })
  await fastify.register(swaggerUi, { routePrefix: '/docs' })
  fastify.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger())
}, { name: 'openapi' })
