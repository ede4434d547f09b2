/** Every call to ResourceSpace or CollectionSpace: duration by system, operation and status; failures by reason. */
import { Counter, Histogram, type Registry } from 'prom-client'
import { observeUpstreamCalls } from '../clients/http.js'
import type { UpstreamCall } from '../vocabulary.js'

/** Why a call counts as failed: no answer at all, an error status, or an answer that could not be read. */
export function failureReason (call: UpstreamCall): 'network' | 'status' | 'body' | undefined {
  if (call.status === null) return 'network'
  if (call.status >= 400) return 'status'
  if (call.error !== undefined) return 'body'
  return undefined
}

/** Starts counting; returns the function that stops it. */
export function upstreamMetrics (registry: Registry): () => void {
  const duration = new Histogram({
    name: 'spacelink_upstream_request_duration_seconds',
    help: 'Time of one upstream call, by system (resourcespace, collectionspace), operation and HTTP status (none: no answer)',
    labelNames: ['system', 'operation', 'status'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry]
  })
  const errors = new Counter({
    name: 'spacelink_upstream_errors_total',
    help: 'Upstream calls that failed, by system, operation and reason (network: no answer; status: 4xx/5xx; body: unreadable answer)',
    labelNames: ['system', 'operation', 'reason'] as const,
    registers: [registry]
  })
  return observeUpstreamCalls(call => {
    duration.observe({ system: call.system, operation: call.operation, status: call.status === null ? 'none' : String(call.status) }, call.ms / 1000)
    const reason = failureReason(call)
    if (reason !== undefined) errors.inc({ system: call.system, operation: call.operation, reason })
  })
}
