/**
 * The Prometheus registry of one spacelink server: Node's own metrics (event-loop lag, heap, GC), HTTP,
 * upstream calls, actions, sync runs and database pools. One registry per server, never the global one,
 * so two servers in one process (tests, the demo) keep their own counts.
 */
import { collectDefaultMetrics, Registry } from 'prom-client'
import type { Services } from '../actions/context.js'
import { actionMetrics } from './action-metrics.js'
import { databaseMetrics } from './database-metrics.js'
import { httpMetrics, type HttpMetrics } from './http-metrics.js'
import { syncMetrics } from './sync-metrics.js'
import { upstreamMetrics } from './upstream-metrics.js'

export interface Metrics {
  registry: Registry
  http: HttpMetrics
  /** Stops listening to events and upstream calls. */
  stop (): void
}

export function createMetrics (services: Pick<Services, 'config' | 'store' | 'events' | 'log'>): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 })
  databaseMetrics(registry, services.store)
  const stops = [
    upstreamMetrics(registry),
    actionMetrics(registry, services.events),
    syncMetrics(registry, services)
  ]
  return {
    registry,
    http: httpMetrics(registry),
    stop () { for (const stop of stops) stop() }
  }
}
