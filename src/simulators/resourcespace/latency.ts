/**
 * How long the simulated RS takes per call. `flat` adds nothing beyond the configured latency; `real-rs`
 * adds the costs seen on a real RS (PHP-FPM + MariaDB, 2026-11): a field write 130–350 ms, searches and
 * reads tens of milliseconds, downloads up to a few hundred — so a pushed item costs about as much as it
 * did there (0.5–1.4 s) and deadline tests and benchmarks meet realistic timings. Deterministic: the same
 * sequence of calls gets the same delays.
 */
export type LatencyProfileName = 'flat' | 'real-rs'

const realRs: Record<string, [min: number, max: number]> = {
  update_field: [130, 350],
  do_search: [60, 150],
  search_get_previews: [80, 180],
  get_resource_field_data: [40, 90],
  get_resource_data: [30, 60],
  get_resource_all_image_sizes: [40, 80],
  get_data_by_field: [30, 60],
  get_field_options: [30, 50],
  download: [80, 200]
}

/** The extra milliseconds of one call to `fn` (an API function, or `download`). */
export function latencyProfile (name: LatencyProfileName): (fn: string) => number {
  if (name === 'flat') return () => 0
  let seed = 0x5eed
  const random = (): number => {
    // mulberry32: small, fast, and the same on every run.
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return fn => {
    const [min, max] = realRs[fn] ?? [30, 60]
    return Math.round(min + random() * (max - min))
  }
}
