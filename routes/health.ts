/**
 * Liveness and readiness for load balancers and Docker: /health answers without touching anything;
 * /ready answers 200 only when this replica's config is loaded and its database is usable (never about
 * other systems: a stale nightly is for /api/v1/instances, the metrics and the notifications).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@fastify/type-provider-typebox'
import { problem, problemContentType } from '../src/http/problem.js'
import { answer, problems } from '../src/schemas/responses.js'

const HealthSchema = Type.Object({ status: Type.Literal('ok') })
const ReadySchema = Type.Object({ status: Type.Literal('ready'), database: Type.String(), instances: Type.Array(Type.String()) })

const health: FastifyPluginAsyncTypebox = async function health (fastify) {
  /** GET /health — the process is alive. */
  fastify.get('/health', {
    schema: {
      tags: ['operations'],
      operationId: 'health',
      summary: 'Liveness (no upstream or database call)',
      security: [],
      response: { 200: answer('application/json', HealthSchema, 'Alive') }
    }
  }, async () => ({ status: 'ok' as const }))

  /** GET /ready — config loaded and database reachable; 503 otherwise. */
  fastify.get('/ready', {
    schema: {
      tags: ['operations'],
      operationId: 'ready',
      summary: 'Readiness of this replica (config and database)',
      security: [],
      response: { 200: answer('application/json', ReadySchema, 'Ready'), ...problems(503) }
    }
  }, async function ready (request, reply) {
    const { store, config } = fastify.spacelink
    try {
      await store.ping()
    } catch (err) {
      request.log.warn({ err }, 'database not usable')
      return await reply.code(503).type(problemContentType).send(problem(503, 'NOT_READY', 'Not ready', 'the database is not reachable'))
    }
    return { status: 'ready' as const, database: store.engine, instances: Object.keys(config.instances) }
  })
}

export default health
