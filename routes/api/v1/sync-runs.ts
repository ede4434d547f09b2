/**
 * Sync runs over HTTP: start one (202 + Location; 409 while one runs for the instance), list them, and
 * read one with its counts and per-item results. Admin scope.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@fastify/type-provider-typebox'
import { SpacelinkError } from '../../../src/errors.js'
import { clampPaging, halCollection, halContentType, PagingQuerySchema, sendCollection } from '../../../src/http/hal.js'
import { syncRunView } from '../../../src/http/views.js'
import { apiUrl } from '../../../src/http/links.js'
import { runSync } from '../../../src/sync/engine.js'
import { hal, HalCollectionSchema, keySecurity, problems, SyncRunDetailSchema, SyncRunSchema } from '../../../src/schemas/responses.js'
import { requireInstance } from '../../../src/config/instances.js'

const StartSchema = Type.Object({
  instance: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,62}$' }),
  dryRun: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1 })),
  refresh: Type.Optional(Type.Boolean()),
  retryFailed: Type.Optional(Type.Boolean())
}, { additionalProperties: false })

const ListQuerySchema = Type.Composite([PagingQuerySchema, Type.Object({
  instance: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,62}$' }))
})], { additionalProperties: false })

const ItemsQuerySchema = Type.Composite([PagingQuerySchema, Type.Object({
  outcome: Type.Optional(Type.String({ maxLength: 40 }))
})], { additionalProperties: false })

const IdParamsSchema = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }) })

const syncRuns: FastifyPluginAsyncTypebox = async function syncRuns (fastify) {
  fastify.addHook('onRequest', fastify.adminOnly)

  /** POST /api/v1/sync-runs — start a run now; it continues after the answer. */
  fastify.post('/sync-runs', {
    schema: {
      tags: ['sync-runs'],
      operationId: 'startSyncRun',
      summary: 'Start a sync run of an instance now (it goes on after the answer)',
      security: keySecurity,
      body: StartSchema,
      response: {
        202: { ...hal(SyncRunSchema, 'The run, started; Location names it'), headers: { location: { type: 'string', description: 'URL of the run' } } },
        ...problems(400, 401, 403, 409, 415, 429)
      }
    }
  }, async function start (request, reply) {
    const { spacelink } = fastify
    const { instance, ...opts } = request.body
    requireInstance(spacelink.config, instance)
    const runId = await new Promise<string>((resolve, reject) => {
      // The run goes on after the answer; shutdown stops it at an item boundary and waits for it.
      const running = runSync(spacelink, instance, { ...opts, signal: spacelink.stopping, onStart: resolve })
      spacelink.track(running)
      running.then(summary => { if (summary.status === 'failed') request.log.warn({ summary }, 'sync run failed') }, reject)
    })
    const run = await spacelink.store.syncRuns.get(runId)
    if (run === undefined) throw new Error(`sync run ${runId} was started but cannot be read back`)
    reply.header('location', apiUrl(spacelink.config, `/api/v1/sync-runs/${runId}`))
    return await reply.code(202).type(halContentType).send(syncRunView(spacelink.config, run))
  })

  /** GET /api/v1/sync-runs */
  fastify.get('/sync-runs', {
    schema: {
      tags: ['sync-runs'],
      operationId: 'listSyncRuns',
      summary: 'Sync runs, newest first',
      security: keySecurity,
      querystring: ListQuerySchema,
      response: { 200: hal(HalCollectionSchema('syncRuns', SyncRunSchema, 'A page of sync runs'), 'A page of sync runs'), ...problems(400, 401, 403, 429) }
    }
  }, async function list (request, reply) {
    const { config, store } = fastify.spacelink
    const paging = clampPaging(request.query)
    const page = await store.syncRuns.list({ ...paging, ...(request.query.instance === undefined ? {} : { instance: request.query.instance }) })
    return await sendCollection(
      reply,
      config.server.publicUrl,
      { path: '/api/v1/sync-runs', name: 'syncRuns', page, view: r => syncRunView(config, r), paging, query: { instance: request.query.instance } }
    )
  })

  /** GET /api/v1/sync-runs/:id — counts per outcome and the per-item results (paged). */
  fastify.get('/sync-runs/:id', {
    schema: {
      tags: ['sync-runs'],
      operationId: 'getSyncRun',
      summary: 'One sync run with its counts and per-item results (paged)',
      security: keySecurity,
      params: IdParamsSchema,
      querystring: ItemsQuerySchema,
      response: { 200: hal(SyncRunDetailSchema, 'The run'), ...problems(400, 401, 403, 404, 429) }
    }
  }, async function one (request, reply) {
    const { config, store } = fastify.spacelink
    const run = await store.syncRuns.get(request.params.id)
    if (run === undefined) throw new SpacelinkError('SYNC_RUN_NOT_FOUND', 404, 'Unknown sync run', `no sync run ${request.params.id}`)
    const paging = clampPaging(request.query)
    const items = await store.syncRuns.items(run.id, { ...paging, ...(request.query.outcome === undefined ? {} : { outcome: request.query.outcome }) })
    return await reply.type(halContentType).send({
      ...syncRunView(config, run),
      items: halCollection({ publicUrl: config.server.publicUrl, path: `/api/v1/sync-runs/${run.id}`, name: 'items', items: items.items, total: items.total, paging, query: { outcome: request.query.outcome } })
    })
  })
}

export default syncRuns
