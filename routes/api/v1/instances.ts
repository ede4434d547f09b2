/** The configured CS instances, without secrets. Admin scope. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

const instances: FastifyPluginAsyncTypebox = async function instances (fastify) {
  fastify.addHook('onRequest', async request => { fastify.authorize(request, 'admin') })

  /** GET /api/v1/instances */
  fastify.get('/instances', { schema: { tags: ['instances'] } }, async function list () {
    const { config } = fastify.spacelink
    return {
      _embedded: {
        instances: Object.entries(config.instances).map(([name, i]) => ({
          name,
          resourceTypes: i.resourceTypes,
          servicesUrl: i.cspace.servicesUrl,
          recordUrl: i.cspace.recordUrl,
          derivative: i.derivative,
          accessionNumber: i.accessionNumber,
          mapping: i.mapping,
          schedule: i.schedule ?? null
        }))
      }
    }
  })
}

export default instances
