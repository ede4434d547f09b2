/** The configured CS instances, without secrets, with when each last synced successfully. Admin scope. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { halContentType } from '../../../src/http/hal.js'
import { instanceViews } from '../../../src/http/views.js'
import { hal, InstancesSchema, keySecurity, problems } from '../../../src/schemas/responses.js'

const instances: FastifyPluginAsyncTypebox = async function instances (fastify) {
  fastify.addHook('onRequest', fastify.adminOnly)

  /** GET /api/v1/instances */
  fastify.get('/instances', {
    schema: {
      tags: ['instances'],
      operationId: 'listInstances',
      summary: 'Configured instances and their last successful sync',
      security: keySecurity,
      response: { 200: hal(InstancesSchema, 'Every configured instance'), ...problems(401, 403, 429) }
    }
  }, async function list (_request, reply) {
    const { config, store } = fastify.spacelink
    return await reply.type(halContentType).send({ _embedded: { instances: await instanceViews(config, store) } })
  })
}

export default instances
