/** How long spacelink takes to answer, by route pattern (never the raw URL: ids would explode the series) and status. */
import { Histogram, type Registry } from 'prom-client'

export interface HttpMetrics {
  observe (method: string, route: string | undefined, statusCode: number, seconds: number): void
}

export function httpMetrics (registry: Registry): HttpMetrics {
  const duration = new Histogram({
    name: 'spacelink_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry]
  })
  return {
    observe (method, route, statusCode, seconds) {
      duration.observe({ method, route: route ?? 'unmatched', status_code: String(statusCode) }, seconds)
    }
  }
}
