/**
 * Decorates `fastify.spacelink`: the domain (config, store, RS and CS clients, actions). Built from the
 * config unless the caller passes a ready one; closed with the server.
 */
import fp from 'fastify-plugin'
import type { AppOptions } from '../src/app.js'
import { createSpacelink, type Spacelink } from '../src/spacelink.js'

declare module 'fastify' {
  interface FastifyInstance {
    spacelink: Spacelink
  }
}

export default fp<AppOptions>(async function spacelinkPlugin (fastify, opts) {
  const given = opts.spacelink
  const spacelink = given ?? await createSpacelink({
    config: opts.config,
    ...(opts.store === undefined ? {} : { store: opts.store }),
    ...(opts.rsDispatcher === undefined ? {} : { rsDispatcher: opts.rsDispatcher }),
    ...(opts.csDispatcher === undefined ? {} : { csDispatcher: opts.csDispatcher }),
    // One clock for everything spacelink dates: status sentences, failure schedules, the sync watch.
    services: { ...opts.services, ...(opts.now === undefined ? {} : { now: opts.now }) },
    logger: fastify.log as never,
    ...(opts.drainMs === undefined ? {} : { closeWaitMs: opts.drainMs })
  })
  fastify.decorate('spacelink', spacelink)
  if (given === undefined) fastify.addHook('onClose', async () => { await spacelink.close() })
}, { name: 'spacelink' })
