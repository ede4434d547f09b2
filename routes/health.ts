/**
 * Liveness and readiness for load balancers and Docker: /health answers without touching anything;
 * /ready answers 200 only when the config is loaded and the database is usable.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@fastify/type-provider-typebox'
import { problem, problemContentType } from '../src/http/problem.js'
import { ProblemSchema } from '../src/schemas/problem.js'

const HealthSchema = Type.Object({ status: Type.Literal('ok') })
const ReadySchema = Type.Object({ status: Type.Literal('ready'), database: Type.String(), instances: Type.Array(Type.String()) })

const health: FastifyPluginAsyncTypebox = async function health (fastify) {
  /** GET /health — the process is alive. */
  fastify.get('/health', { schema: { tags: ['operations'], response: { 200: HealthSchema } } }, async () => ({ status: 'ok' as const }))

  /** GET /ready — config loaded and database reachable; 503 otherwise. */
  fastify.get('/ready', { schema: { tags: ['operations'], response: { 200: ReadySchema, 503: ProblemSchema } } }, async function ready (request, reply) {
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
