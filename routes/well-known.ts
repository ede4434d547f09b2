/**
 * GET /.well-known/resourcesync — the ResourceSync Source Description, where harvesters start
 * (docs/resourcesync.md). Behind a proxy that serves spacelink under a path prefix, the proxy must send
 * the host root's /.well-known/resourcesync here too.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { resourceSyncAccess } from '../plugins/resourcesync.js'
import { sendDocument } from '../src/resourcesync/respond.js'
import { wellKnownPath } from '../src/resourcesync/urls.js'
import { ResourceSyncResponses, resourceSyncSecurity } from '../src/schemas/resourcesync.js'

const wellKnown: FastifyPluginAsyncTypebox = async function wellKnown (fastify) {
  fastify.addHook('onRequest', resourceSyncAccess(fastify))

  fastify.get(wellKnownPath, {
    schema: {
      tags: ['resourcesync'],
      operationId: 'resourceSyncSourceDescription',
      summary: 'ResourceSync Source Description',
      security: resourceSyncSecurity,
      response: ResourceSyncResponses
    },
    config: { rateLimit: false }
  }, async function sourceDescription (request, reply) {
    return await sendDocument(request, reply, fastify.resourcesync.sourceDescription(), fastify.spacelink.config.resourcesync.access)
  })
}

export default wellKnown
