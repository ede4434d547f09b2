/**
 * Pieces several pages share: the outcome box (headline, outcome word, sentence, what to do next), the
 * field diff table, the list of CS candidates, a hidden-field POST button, and dates as people read them.
 */
import type { CsObjectRef } from '../actions/types.js'
import { html, type HtmlValue, type SafeHtml } from './html.js'
import { wordsFor } from './words.js'

/** `2026-11-21 14:02 UTC`: minute precision, one clock for everyone (as in the RS status sentences). */
export function when (iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—'
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`
}

/** A message without its leading `outcome: ` (the outcome is shown beside it as a badge). */
export function sentenceOf (outcome: string | null, message: string): string {
  return outcome !== null && message.startsWith(`${outcome}: `) ? message.slice(outcome.length + 2) : message
}

/** The outcome word as a badge, red when it is a failure. */
export function badge (outcome: string | null, text: HtmlValue = outcome ?? 'error'): SafeHtml {
  return html`<span class="badge${wordsFor(outcome).tone === 'problem' ? ' problem' : ''}">${text}</span>`
}

/** The outcome in a registrar's words, the outcome word itself, the sentence, and what to do next. */
export function outcomeBox (outcome: string | null, sentence: string | null, extra?: SafeHtml): SafeHtml {
  const words = wordsFor(outcome)
  const tone = words.tone === 'ok' ? '' : ` ${words.tone}`
  return html`<section class="outcome${tone}" aria-labelledby="outcome-headline">
<p id="outcome-headline"><span class="word">${words.headline}</span> ${badge(outcome)}</p>
${sentence === null || sentence === '' ? '' : html`<p>${sentence}</p>`}
${extra}
${words.next === undefined ? '' : html`<p><span class="next">What to do next:</span> ${words.next}</p>`}
</section>`
}

/** "These 2 CollectionSpace records share 2019.12.3:" with titles, numbers, csids and links. */
export function candidateList (accessionNumber: string | undefined, candidates: readonly CsObjectRef[]): SafeHtml {
  if (candidates.length === 0) return html``
  return html`<p>These ${candidates.length} CollectionSpace records share ${accessionNumber === undefined ? 'one accession number' : html`<strong>${accessionNumber}</strong>`}:</p>
<ul class="candidates">${candidates.map(c => html`
<li><a href="${c.url}">${c.title ?? `object ${c.objectNumber}`}</a> — object number ${c.objectNumber}, csid <code>${c.csid}</code></li>`)}
</ul>`
}

export interface DiffRow {
  label: string
  before: string
  after: string
  /** Said instead of `after` when the new value is only known later. */
  description?: string
  note?: string
}

function shown (value: string): SafeHtml {
  return value === '' ? html`<span class="muted">(empty)</span>` : html`${value}`
}

/** A field-by-field table: each RS field by its RS title, its value before and after. */
export function diffTable (caption: string, rows: readonly DiffRow[], headings: [string, string, string] = ['Field', 'Before', 'After']): SafeHtml {
  if (rows.length === 0) return html``
  const withNotes = rows.some(r => r.note !== undefined)
  return html`<div class="scroll"><table class="stack diff">
<caption>${caption}</caption>
<thead><tr><th scope="col">${headings[0]}</th><th scope="col">${headings[1]}</th><th scope="col">${headings[2]}</th>${withNotes ? html`<th scope="col">Note</th>` : ''}</tr></thead>
<tbody>${rows.map(r => html`
<tr><th scope="row" data-label="${headings[0]}">${r.label}</th><td class="value" data-label="${headings[1]}">${shown(r.before)}</td><td class="value" data-label="${headings[2]}">${r.description === undefined ? shown(r.after) : html`<span class="muted">${r.description}</span>`}</td>${withNotes ? html`<td data-label="Note">${r.note ?? ''}</td>` : ''}</tr>`)}
</tbody>
</table></div>`
}

/** A form whose only visible part is one button; every value travels as a hidden field. */
export function postButton (
  action: string,
  fields: Record<string, string | undefined>,
  label: SafeHtml | string,
  opts: { secondary?: boolean, small?: boolean, describedBy?: string } = {}
): SafeHtml {
  const classes = [opts.secondary === true ? 'secondary' : '', opts.small === true ? 'small' : ''].filter(c => c !== '').join(' ')
  return html`<form class="inline" method="post" action="${action}">${Object.entries(fields).filter(([, v]) => v !== undefined).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}<button type="submit"${classes === '' ? '' : html` class="${classes}"`}${opts.describedBy === undefined ? '' : html` aria-describedby="${opts.describedBy}"`}>${label}</button></form>`
}
