/**
 * The ResourceSync documents of each instance and the link records they point to (docs/resourcesync.md):
 * capabilitylist.xml, resourcelist.xml, changelist.xml, their parts, and records/<rsid>-<size>.json.
 * Harvesters fetch every record, so these routes are outside the per-client API rate limit; 304 answers
 * and immutable parts let a cache in front of spacelink take the load.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@fastify/type-provider-typebox'
import { resourceSyncAccess } from '../../plugins/resourcesync.js'
import { INSTANCE_NAME_PATTERN } from '../../src/config/schema.js'
import { sendDocument } from '../../src/resourcesync/respond.js'
import { ResourceSyncResponses, resourceSyncSecurity } from '../../src/schemas/resourcesync.js'

const Instance = Type.String({ pattern: INSTANCE_NAME_PATTERN, maxLength: 64 })
const DocumentParamsSchema = Type.Object({ instance: Instance, document: Type.String({ pattern: '^[A-Za-z0-9._-]{1,100}\\.xml$' }) })
const RecordParamsSchema = Type.Object({ instance: Instance, record: Type.String({ minLength: 1, maxLength: 200 }) })

const resourcesync: FastifyPluginAsyncTypebox = async function resourcesync (fastify) {
  fastify.addHook('onRequest', resourceSyncAccess(fastify))
  const { access } = fastify.spacelink.config.resourcesync

  /** GET /resourcesync/:instance/:document — a Capability List, Resource List, Change List, index or part. */
  fastify.get('/:instance/:document', {
    schema: {
      tags: ['resourcesync'],
      operationId: 'resourceSyncDocument',
      summary: 'A ResourceSync document of an instance',
      security: resourceSyncSecurity,
      params: DocumentParamsSchema,
      response: ResourceSyncResponses
    },
    config: { rateLimit: false }
  }, async function document (request, reply) {
    return await sendDocument(request, reply, await fastify.resourcesync.document(request.params.instance, request.params.document), access)
  })

  /** GET /resourcesync/:instance/records/:record — the link record a list entry points to. */
  fastify.get('/:instance/records/:record', {
    schema: {
      tags: ['resourcesync'],
      operationId: 'resourceSyncLinkRecord',
      summary: 'The link record of one resource (JSON)',
      security: resourceSyncSecurity,
      params: RecordParamsSchema,
      response: ResourceSyncResponses
    },
    config: { rateLimit: false }
  }, async function record (request, reply) {
    return await sendDocument(request, reply, await fastify.resourcesync.record(request.params.instance, request.params.record), access)
  })
}

export default resourcesync
