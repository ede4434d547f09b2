/** The part of autocannon 8's programmatic API the benchmarks use (the package ships no types). */
declare module 'autocannon' {
  export interface Stats { average: number, mean: number, stddev: number, min: number, max: number, p50: number, p90: number, p99: number, total: number }
  export interface Result {
    latency: Stats
    requests: Stats
    throughput: Stats
    errors: number
    timeouts: number
    non2xx: number
    duration: number
    '2xx': number
  }
  export interface RawRequest { method?: string, path?: string, headers?: Record<string, string>, body?: string }
  export interface Options {
    url: string
    connections?: number
    duration?: number
    amount?: number
    timeout?: number
    method?: string
    headers?: Record<string, string>
    requests?: Array<RawRequest & { setupRequest?: (req: RawRequest, context: Record<string, unknown>) => RawRequest }>
  }
  function autocannon (opts: Options): Promise<Result>
  export default autocannon
}
