/** Button presses, CLI actions and sync items, by query type, caller and outcome, from the action-finished event. */
import { Counter, Histogram, type Registry } from 'prom-client'
import type { ActionFinished, SpacelinkEvents } from '../actions/events.js'

/** Starts counting; returns the function that stops it. */
export function actionMetrics (registry: Registry, events: SpacelinkEvents): () => void {
  const actions = new Counter({
    name: 'spacelink_actions_total',
    help: 'Actions finished, by query type, caller and outcome (error: ended without an outcome)',
    labelNames: ['query_type', 'caller', 'outcome'] as const,
    registers: [registry]
  })
  const duration = new Histogram({
    name: 'spacelink_action_duration_seconds',
    help: 'Time of one action from its transaction row to its stored outcome, by query type and outcome',
    labelNames: ['query_type', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry]
  })
  const upstreamCalls = new Counter({
    name: 'spacelink_action_upstream_calls_total',
    help: 'Upstream calls made by actions, by query type',
    labelNames: ['query_type'] as const,
    registers: [registry]
  })
  const listener = (a: ActionFinished): void => {
    const outcome = a.outcome ?? 'error'
    actions.inc({ query_type: a.queryType, caller: a.caller, outcome })
    duration.observe({ query_type: a.queryType, outcome }, a.durationMs / 1000)
    upstreamCalls.inc({ query_type: a.queryType }, a.upstreamCalls)
  }
  events.on('action-finished', listener)
  return () => { events.off('action-finished', listener) }
}
