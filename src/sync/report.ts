/**
 * What an operator sees of a run: a live progress bar on a terminal (done/total, rate, ETA, failures),
 * periodic progress lines otherwise, and a summary table at the end.
 */
import { SingleBar, Presets } from 'cli-progress'
import type { WidthRecord } from '../util/adaptive-limit.js'
import type { RunWidths, SyncProgress, SyncSummary } from './engine.js'

export interface ProgressReporter {
  update: (p: SyncProgress) => void
  stop: () => void
}

export function progressReporter (stream: NodeJS.WriteStream, every = 10_000): ProgressReporter {
  if (stream.isTTY) {
    const bar = new SingleBar({
      format: 'sync [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted} | failures {failures}',
      stream,
      hideCursor: true,
      etaBuffer: 50
    }, Presets.shades_classic)
    let started = false
    return {
      update (p) {
        if (!started) { bar.start(p.total, 0, { rate: '0.0', failures: 0 }); started = true }
        bar.update(p.done, { rate: rate(p).toFixed(1), failures: p.failures })
      },
      stop () { if (started) bar.stop() }
    }
  }
  let last = 0
  return {
    update (p) {
      const now = Date.now()
      if (now - last < every) return
      last = now
      stream.write(`sync progress: ${p.done}/${p.total} done, ${rate(p).toFixed(1)}/s, ${p.failures} failure(s)\n`)
    },
    stop () {}
  }
}

function rate (p: SyncProgress): number {
  const seconds = (Date.now() - p.startedAt) / 1000
  return seconds <= 0 ? 0 : p.done / seconds
}

/** A plain-text table: counts per outcome, then each failed item with rsid, accession number and reason. */
export function summaryTable (s: SyncSummary): string {
  const lines: string[] = []
  lines.push(`sync ${s.instance}: run ${s.runId} ${s.status} in ${(s.durationMs / 1000).toFixed(1)} s, ${s.total} item(s), ${s.concurrency} at a time`)
  if (s.widths !== undefined) lines.push(`width ${describeWidths(s.widths)}`)
  if (s.error !== undefined) lines.push(`error: ${s.error}`)
  for (const warning of s.warnings) lines.push(`warning: ${warning}`)
  const outcomes = Object.entries(s.counts).sort(([a], [b]) => a.localeCompare(b))
  if (outcomes.length > 0) {
    lines.push('', table(['outcome', 'count'], outcomes.map(([o, n]) => [o, String(n)])))
  }
  if (s.failures.length > 0) {
    lines.push(
      '',
      table(
        ['rsid', 'accession number', 'outcome', 'reason'],
        s.failures.sort((a, b) => a.rsid - b.rsid).map(f => [String(f.rsid), f.accessionNumber ?? '', f.outcome, f.message])
      )
    )
  }
  return lines.join('\n') + '\n'
}

/** `items 8→12 (8–12), rs 8→5 (4–9), cs:art 8→12 (8–12)`: start → final, and the range when it moved. */
export function describeWidths (w: RunWidths): string {
  const one = (name: string, r: WidthRecord): string => `${name} ${r.start}→${r.final}` + (r.min === r.max ? '' : ` (${r.min}–${r.max})`)
  return [one('items', w.items), ...Object.entries(w.upstreams).map(([name, r]) => one(name, r))].join(', ')
}

function table (head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.min(80, Math.max(h.length, ...rows.map(r => (r[i] ?? '').length))))
  const line = (cells: string[]): string => cells.map((c, i) => c.slice(0, 200).padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  return [line(head), widths.map(w => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}
