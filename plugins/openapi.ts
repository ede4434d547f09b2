/** OpenAPI document at /openapi.json and browsable docs at /docs, generated from the route schemas. */
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { AppOptions } from '../src/app.js'

export default fp<AppOptions>(async function openapiPlugin (fastify, opts) {
  await fastify.register(swagger, {
    openapi: {
      info: { title: 'spacelink', description: 'Links ResourceSpace and CollectionSpace', version: '1' },
      servers: [{ url: opts.config.server.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' }
        }
      }
    }
  })
  await fastify.register(swaggerUi, { routePrefix: '/docs' })
  fastify.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger())
}, { name: 'openapi' })
