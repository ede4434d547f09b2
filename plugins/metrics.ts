/**
 * Decorates `fastify.metrics` (the Prometheus registry of this server) and times every answer by route
 * pattern and status. /metrics itself is in routes/metrics.ts.
 */
import fp from 'fastify-plugin'
import { createMetrics, type Metrics } from '../src/observability/metrics.js'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
  }
}

export default fp(async function metricsPlugin (fastify) {
  const metrics = createMetrics(fastify.spacelink)
  fastify.decorate('metrics', metrics)
  fastify.addHook('onResponse', async (request, reply) => {
    metrics.http.observe(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000)
  })
  fastify.addHook('onClose', async () => { metrics.stop() })
}, { name: 'metrics', dependencies: ['spacelink'] })
