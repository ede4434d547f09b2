/**
 * ResourceSync publication (docs/resourcesync.md): decorates `fastify.resourcesync` (the publisher), and
 * puts the discovery `Link: <…/.well-known/resourcesync>; rel="resourcesync"` header on spacelink's HTML
 * pages and JSON answers. `resourceSyncAccess` is the access rule of the ResourceSync routes
 * (`resourcesync.access`: public, key or off).
 */
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { SpacelinkError } from '../src/errors.js'
import { createPublisher, type ResourceSyncPublisher } from '../src/resourcesync/publisher.js'
import { discoveryLink } from '../src/resourcesync/urls.js'

declare module 'fastify' {
  interface FastifyInstance {
    resourcesync: ResourceSyncPublisher
  }
}

export default fp(async function resourceSyncPlugin (fastify) {
  const { config } = fastify.spacelink
  fastify.decorate('resourcesync', createPublisher(config, fastify.spacelink.store.linkHistory))
  if (config.resourcesync.access === 'off') return
  const link = discoveryLink(config.server.publicUrl)
  fastify.addHook('onSend', async function announceResourceSync (_request, reply, payload) {
    const type = String(reply.getHeader('content-type') ?? '')
    if (!/html|json/.test(type)) return payload
    // First among Link headers: Timbuctoo takes the first <…> of a header that mentions resourcesync.
    const existing = reply.getHeader('link')
    reply.header('link', existing === undefined ? link : [link, ...(Array.isArray(existing) ? existing : [String(existing)])])
    return payload
  })
}, { name: 'resourcesync', dependencies: ['spacelink', 'auth'] })

/** onRequest hook of the ResourceSync routes: 404 when not published, a `resourcesync` (or admin) key when `key`. */
export function resourceSyncAccess (fastify: FastifyInstance) {
  return async function checkResourceSyncAccess (request: FastifyRequest): Promise<void> {
    const { access } = fastify.spacelink.config.resourcesync
    if (access === 'off') throw new SpacelinkError('RESOURCESYNC_NOT_FOUND', 404, 'Not found', 'ResourceSync is not published here (resourcesync.access: off)')
    if (access === 'key') fastify.authorize(request, 'resourcesync')
  }
}
