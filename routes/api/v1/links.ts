/** Read the links between RS resources and CS media (what makes pushes idempotent). Admin scope. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@fastify/type-provider-typebox'
import { SpacelinkError } from '../../../src/errors.js'
import { clampPaging, halContentType, PagingQuerySchema, parseSort, sendCollection } from '../../../src/http/hal.js'
import { linkView } from '../../../src/http/views.js'
import { hal, HalCollectionSchema, keySecurity, LinkSchema, problems } from '../../../src/schemas/responses.js'

const ListQuerySchema = Type.Composite([PagingQuerySchema, Type.Object({
  rsid: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 })),
  instance: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,62}$' }))
})], { additionalProperties: false })

const IdParamsSchema = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }) })
const FindByRsidSchema = Type.Object({ rsid: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 }) }, { additionalProperties: false })
const LinksPage = hal(HalCollectionSchema('links', LinkSchema, 'A page of links'), 'A page of links')

const links: FastifyPluginAsyncTypebox = async function links (fastify) {
  fastify.addHook('onRequest', fastify.adminOnly)

  /** GET /api/v1/links */
  fastify.get('/links', {
    schema: {
      tags: ['links'],
      operationId: 'listLinks',
      summary: 'Links, newest first',
      security: keySecurity,
      querystring: ListQuerySchema,
      response: { 200: LinksPage, ...problems(400, 401, 403, 429) }
    }
  }, async function list (request, reply) {
    const q = request.query
    const paging = clampPaging(q)
    const sort = parseSort(q.sort, ['createdAt', 'updatedAt', 'rsid'] as const, { field: 'createdAt', dir: 'desc' })
    const { config, store } = fastify.spacelink
    const page = await store.links.list({
      ...paging,
      sort,
      ...(q.rsid === undefined ? {} : { rsid: q.rsid }),
      ...(q.instance === undefined ? {} : { instance: q.instance })
    })
    return await sendCollection(
      reply,
      config.server.publicUrl,
      { path: '/api/v1/links', name: 'links', page, view: l => linkView(config, l), paging, query: { rsid: q.rsid, instance: q.instance, sort: q.sort } }
    )
  })

  /** GET /api/v1/links/search/findByRsid?rsid= */
  fastify.get('/links/search/findByRsid', {
    schema: {
      tags: ['links'],
      operationId: 'findLinksByRsid',
      summary: 'Every link of one RS resource',
      security: keySecurity,
      querystring: FindByRsidSchema,
      response: { 200: LinksPage, ...problems(400, 401, 403, 429) }
    }
  }, async function findByRsid (request, reply) {
    const { config, store } = fastify.spacelink
    const items = await store.links.findByRsid(request.query.rsid)
    return await sendCollection(reply, config.server.publicUrl, {
      path: '/api/v1/links/search/findByRsid',
      name: 'links',
      page: { items, total: items.length },
      view: l => linkView(config, l),
      paging: { page: 0, size: Math.max(items.length, 1) },
      query: { rsid: request.query.rsid }
    })
  })

  /** GET /api/v1/links/:id */
  fastify.get('/links/:id', {
    schema: {
      tags: ['links'],
      operationId: 'getLink',
      summary: 'One link',
      security: keySecurity,
      params: IdParamsSchema,
      response: { 200: hal(LinkSchema, 'The link'), ...problems(400, 401, 403, 404, 429) }
    }
  }, async function one (request, reply) {
    const l = await fastify.spacelink.store.links.get(request.params.id)
    if (l === undefined) throw new SpacelinkError('LINK_NOT_FOUND', 404, 'Unknown link', `no link ${request.params.id}`)
    return await reply.type(halContentType).send(linkView(fastify.spacelink.config, l))
  })
}

export default links
