/**
 * A small bar chart of the items the sync runs worked on per night, as inline SVG (no script, no image
 * route). Bars carry their numbers in <title>, and the caption says the totals in words, so the chart is
 * never the only way to read them.
 */
import type { SyncRunRow } from '../store/index.js'
import { html, type SafeHtml } from './html.js'

export interface Night {
  /** `YYYY-MM-DD` (UTC). */
  date: string
  items: number
}

/** Items per night over the `nights` days up to `today`, from the runs' counts (a run belongs to the day it started). */
export function itemsPerNight (runs: readonly SyncRunRow[], today: Date, nights = 14): Night[] {
  const days: Night[] = []
  for (let i = nights - 1; i >= 0; i--) {
    days.push({ date: new Date(today.getTime() - i * 86_400_000).toISOString().slice(0, 10), items: 0 })
  }
  for (const run of runs) {
    const day = days.find(d => d.date === run.startedAt.slice(0, 10))
    if (day !== undefined) day.items += Object.values(run.counts).reduce((a, b) => a + b, 0)
  }
  return days
}

export function nightChart (nights: readonly Night[]): SafeHtml {
  const width = 36
  const height = 120
  const max = Math.max(1, ...nights.map(n => n.items))
  const total = nights.reduce((a, n) => a + n.items, 0)
  const busiest = nights.reduce((a, n) => (n.items > a.items ? n : a), nights[0] ?? { date: '', items: 0 })
  const first = nights[0]?.date ?? ''
  const last = nights[nights.length - 1]?.date ?? ''
  return html`<figure class="chart">
<svg viewBox="0 0 ${nights.length * width + 40} ${height + 40}" width="${nights.length * width + 40}" height="${height + 40}" role="img" aria-labelledby="chart-caption">
<line x1="36" y1="${height + 5}" x2="${nights.length * width + 40}" y2="${height + 5}" stroke="#4a4a4a"/>
<text x="30" y="14" text-anchor="end" font-size="11" fill="#4a4a4a">${max}</text>
<text x="30" y="${height + 5}" text-anchor="end" font-size="11" fill="#4a4a4a">0</text>
${nights.map((n, i) => {
    const h = Math.round((n.items / max) * (height - 10))
    const x = 40 + i * width
    return html`<g><title>${n.date}: ${n.items} item(s)</title><rect x="${x + 4}" y="${height + 5 - h}" width="${width - 10}" height="${h}" fill="#174a8b"/><text x="${x + width / 2 - 1}" y="${height + 22}" text-anchor="middle" font-size="11" fill="#1a1a1a">${n.date.slice(8, 10)}</text></g>`
  })}
</svg>
<figcaption id="chart-caption" class="small">Items worked on per night, ${first} to ${last} (UTC): ${total} in all${total === 0 ? '' : `, most on ${busiest.date} (${busiest.items})`}.</figcaption>
</figure>`
}
