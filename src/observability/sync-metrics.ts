/**
 * Sync runs: runs, items and durations counted from the sync-run-finished event of this process; the last
 * successful end per instance read from the database at scrape time, so every replica reports the same
 * truth whichever of them ran the sync.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { Services } from '../actions/context.js'
import type { SyncRunFinished } from '../actions/events.js'
import { watchedInstances } from './watched-instances.js'

/** Starts counting; returns the function that stops it. */
export function syncMetrics (registry: Registry, services: Pick<Services, 'config' | 'store' | 'events' | 'log'>): () => void {
  const { config, store, events, log } = services
  const runs = new Counter({
    name: 'spacelink_sync_runs_total',
    help: 'Sync runs ended in this process, by instance and status (finished, failed)',
    labelNames: ['instance', 'status'] as const,
    registers: [registry]
  })
  const items = new Counter({
    name: 'spacelink_sync_items_total',
    help: 'Resources handled by sync runs of this process, by instance and outcome',
    labelNames: ['instance', 'outcome'] as const,
    registers: [registry]
  })
  const duration = new Histogram({
    name: 'spacelink_sync_run_duration_seconds',
    help: 'Time of one sync run, by instance and status',
    labelNames: ['instance', 'status'] as const,
    buckets: [1, 10, 60, 300, 900, 1800, 3600, 7200, 14400, 28800],
    registers: [registry]
  })
  registry.registerMetric(new Gauge({
    name: 'spacelink_sync_last_success_timestamp_seconds',
    help: 'When the last successful (not dry-run) sync of each instance ended, as Unix time; absent: never',
    labelNames: ['instance'] as const,
    registers: [],
    async collect () {
      this.reset()
      for (const instance of Object.keys(config.instances)) {
        try {
          const run = await store.syncRuns.lastSucceeded(instance)
          if (run?.finishedAt != null) this.set({ instance }, Date.parse(run.finishedAt) / 1000)
        } catch (err) {
          log.warn({ err, instance }, 'metrics: cannot read the last successful sync')
        }
      }
    }
  }))
  const maxAge = new Gauge({
    name: 'spacelink_sync_max_age_seconds',
    help: 'How old the last successful sync of a watched instance may be before it is reported stale',
    labelNames: ['instance'] as const,
    registers: [registry]
  })
  for (const w of watchedInstances(config)) maxAge.set({ instance: w.instance }, w.staleAfterHours * 3600)

  const listener = (r: SyncRunFinished): void => {
    runs.inc({ instance: r.instance, status: r.status })
    duration.observe({ instance: r.instance, status: r.status }, r.durationMs / 1000)
    for (const [outcome, n] of Object.entries(r.counts)) items.inc({ instance: r.instance, outcome }, n)
  }
  events.on('sync-run-finished', listener)
  return () => { events.off('sync-run-finished', listener) }
}
