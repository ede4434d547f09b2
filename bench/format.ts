/** Plain-text tables and number formats for the benchmark report (what BENCHMARKS.md quotes). */

export function table (title: string, head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)))
  const line = (cells: string[]): string => cells.map((c, i) => i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)).join('  ').trimEnd()
  return [`\n${title}`, line(head), widths.map(w => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n'
}

export function fixed (n: number | undefined, digits = 1): string {
  return n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits)
}

export function mb (bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0)
}

/** `process.resourceUsage().maxRSS` is in kilobytes. */
export function mbFromKb (kb: number): string {
  return (kb / 1024).toFixed(0)
}

export function percentile (sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))]
}
