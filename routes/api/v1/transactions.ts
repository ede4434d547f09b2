/** Read the transaction log: every action spacelink took, filterable, paged, newest first. Admin scope. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@fastify/type-provider-typebox'
import { SpacelinkError } from '../../../src/errors.js'
import { clampPaging, halContentType, PagingQuerySchema, parseSort, sendCollection } from '../../../src/http/hal.js'
import { transactionView } from '../../../src/http/views.js'
import { hal, HalCollectionSchema, keySecurity, problems, TransactionSchema, TransactionSummarySchema } from '../../../src/schemas/responses.js'

const ListQuerySchema = Type.Composite([PagingQuerySchema, Type.Object({
  rsid: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 })),
  instance: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,62}$' })),
  query_type: Type.Optional(Type.String({ maxLength: 40 })),
  outcome: Type.Optional(Type.String({ maxLength: 40 })),
  syncRunId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }))
})], { additionalProperties: false })

const IdParamsSchema = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }) })

const transactions: FastifyPluginAsyncTypebox = async function transactions (fastify) {
  fastify.addHook('onRequest', fastify.adminOnly)

  /** GET /api/v1/transactions */
  fastify.get('/transactions', {
    schema: {
      tags: ['transactions'],
      operationId: 'listTransactions',
      summary: 'The transaction log, newest first',
      security: keySecurity,
      querystring: ListQuerySchema,
      response: {
        200: hal(HalCollectionSchema('transactions', TransactionSummarySchema, 'A page of transactions'), 'A page of transactions'),
        ...problems(400, 401, 403, 429)
      }
    }
  }, async function list (request, reply) {
    const q = request.query
    const paging = clampPaging(q)
    const sort = parseSort(q.sort, ['startedAt', 'rsid', 'outcome', 'queryType'] as const, { field: 'startedAt', dir: 'desc' })
    const { config, store } = fastify.spacelink
    const page = await store.transactions.list({
      ...paging,
      sort,
      ...(q.rsid === undefined ? {} : { rsid: q.rsid }),
      ...(q.instance === undefined ? {} : { instance: q.instance }),
      ...(q.query_type === undefined ? {} : { queryType: q.query_type }),
      ...(q.outcome === undefined ? {} : { outcome: q.outcome }),
      ...(q.syncRunId === undefined ? {} : { syncRunId: q.syncRunId })
    })
    return await sendCollection(reply, config.server.publicUrl, {
      path: '/api/v1/transactions',
      name: 'transactions',
      page,
      view: t => transactionView(config, t, false),
      paging,
      query: { rsid: q.rsid, instance: q.instance, query_type: q.query_type, outcome: q.outcome, syncRunId: q.syncRunId, sort: q.sort }
    })
  })

  /** GET /api/v1/transactions/:id — with the raw CS record, the mapped values and the RS writes. */
  fastify.get('/transactions/:id', {
    schema: {
      tags: ['transactions'],
      operationId: 'getTransaction',
      summary: 'One transaction with its steps, RS writes, raw and mapped record',
      security: keySecurity,
      params: IdParamsSchema,
      response: { 200: hal(TransactionSchema, 'The transaction'), ...problems(400, 401, 403, 404, 429) }
    }
  }, async function one (request, reply) {
    const t = await fastify.spacelink.store.transactions.get(request.params.id)
    if (t === undefined) throw new SpacelinkError('TRANSACTION_NOT_FOUND', 404, 'Unknown transaction', `no transaction ${request.params.id}`)
    return await reply.type(halContentType).send(transactionView(fastify.spacelink.config, t, true))
  })
}

export default transactions
