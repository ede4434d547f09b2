/**
 * Decorates `fastify.syncWatch` (failed or stale nightly → one notice per incident). With `schedule` on (the
 * server), it checks every `monitoring.checkEveryMinutes` and right after every sync run ends.
 */
import fp from 'fastify-plugin'
import type { AppOptions } from '../src/app.js'
import { configuredNotifiers } from '../src/observability/notifiers.js'
import { createSyncWatch, type SyncWatch } from '../src/observability/sync-watch.js'

declare module 'fastify' {
  interface FastifyInstance {
    syncWatch: SyncWatch
  }
}

export default fp<AppOptions>(async function notificationsPlugin (fastify, opts) {
  const { spacelink } = fastify
  const watch = createSyncWatch({ services: spacelink, notifiers: configuredNotifiers(spacelink.config.monitoring), now: spacelink.now })
  fastify.decorate('syncWatch', watch)
  if (opts.schedule !== true) return
  let running: Promise<unknown> = Promise.resolve()
  const check = (): void => { running = running.then(async () => await watch.check()).catch(() => {}) }
  const timer = setInterval(check, spacelink.config.monitoring.checkEveryMinutes * 60_000).unref()
  spacelink.events.on('sync-run-finished', check)
  fastify.addHook('onReady', async () => { check() })
  fastify.addHook('onClose', async () => {
    clearInterval(timer)
    spacelink.events.off('sync-run-finished', check)
    await running
  })
}, { name: 'notifications', dependencies: ['spacelink'] })
