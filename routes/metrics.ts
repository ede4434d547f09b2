/** GET /metrics — Prometheus text for the metrics token or an admin key. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@fastify/type-provider-typebox'
import { keySecurity, problems } from '../src/schemas/responses.js'

const metrics: FastifyPluginAsyncTypebox = async function metrics (fastify) {
  fastify.get('/metrics', {
    onRequest: fastify.metricsOnly,
    schema: {
      tags: ['operations'],
      operationId: 'metrics',
      summary: 'Prometheus metrics (text exposition format)',
      security: keySecurity,
      produces: ['text/plain'],
      response: {
        200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: Type.String() } } },
        ...problems(401, 403, 429)
      }
    }
  }, async function scrape (_request, reply) {
    const { registry } = fastify.metrics
    return await reply.type(registry.contentType).send(await registry.metrics())
  })
}

export default metrics
