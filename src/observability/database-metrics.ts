/** Connection pool use, read at scrape time from the store (PostgreSQL pools say total, idle and waiting). */
import { Gauge, type Registry } from 'prom-client'
import type { Store } from '../store/index.js'

export function databaseMetrics (registry: Registry, store: Store): void {
  registry.registerMetric(new Gauge({
    name: 'spacelink_db_pool_connections',
    help: 'Database connections by pool (queries, locks; sqlite: its one connection) and state (total, idle, waiting requests)',
    labelNames: ['pool', 'state'] as const,
    registers: [],
    collect () {
      this.reset()
      for (const use of store.poolUse()) {
        this.set({ pool: use.pool, state: 'total' }, use.total)
        if (use.idle !== undefined) this.set({ pool: use.pool, state: 'idle' }, use.idle)
        if (use.waiting !== undefined) this.set({ pool: use.pool, state: 'waiting' }, use.waiting)
      }
    }
  }))
  registry.registerMetric(new Gauge({
    name: 'spacelink_db_pool_max_connections',
    help: 'Most connections each pool may open',
    labelNames: ['pool'] as const,
    registers: [],
    collect () {
      this.reset()
      for (const use of store.poolUse()) this.set({ pool: use.pool }, use.max)
    }
  }))
}
