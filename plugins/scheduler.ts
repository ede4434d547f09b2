/**
 * Runs each instance's sync on its `schedule` (cron, via croner) inside the server, and prunes old
 * transaction details nightly. Several replicas may
 * all fire: the store's run lock lets one run per instance, the others log that it is already running.
 */
import fp from 'fastify-plugin'
import { Cron } from 'croner'
import type { AppOptions } from '../src/app.js'
import { runSync } from '../src/sync/engine.js'
import { SpacelinkError } from '../src/errors.js'

export default fp<AppOptions>(async function schedulerPlugin (fastify, opts) {
  if (opts.schedule !== true) return
  const jobs: Cron[] = []
  for (const [instance, config] of Object.entries(opts.config.instances)) {
    if (config.schedule === undefined) continue
    jobs.push(new Cron(config.schedule, { protect: true, name: `sync-${instance}` }, async () => {
      try {
        const running = runSync(fastify.spacelink, instance, { signal: fastify.spacelink.stopping })
        fastify.spacelink.track(running)
        const summary = await running
        fastify.log.info({ instance, runId: summary.runId, counts: summary.counts, status: summary.status }, 'scheduled sync done')
      } catch (err) {
        if (err instanceof SpacelinkError && err.code === 'SYNC_RUNNING') fastify.log.info({ instance }, 'scheduled sync skipped: a run is in progress')
        else fastify.log.error({ err, instance }, 'scheduled sync failed')
      }
    }))
  }
  // Retention: transaction details (raw records, steps) older than retentionDays go; links stay forever.
  jobs.push(new Cron('17 3 * * *', { protect: true, name: 'prune' }, async () => {
    try {
      const { transactions } = await fastify.spacelink.store.prune(opts.config.database.retentionDays)
      fastify.log.info({ transactions }, 'pruned old transaction details')
    } catch (err) {
      fastify.log.error({ err }, 'pruning failed')
    }
  }))
  fastify.addHook('onClose', async () => { for (const job of jobs) job.stop() })
}, { name: 'scheduler', dependencies: ['spacelink'] })
