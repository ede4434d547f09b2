/**
 * The page a person sees after pressing a button in a browser: the outcome in their words, what changed in
 * RS field by field (by the fields' RS titles, before → after), what to do next when it failed, and the
 * way back. The transaction is named, not linked: reading it needs the admin key, which registrars may not
 * have; IT finds it by this reference.
 */
import type { ActionResult, FieldChange } from '../actions/types.js'
import type { Config } from '../config/schema.js'
import { fieldLabel } from './field-labels.js'
import { badge, candidateList, diffTable, outcomeBox, sentenceOf, type DiffRow } from './fragments.js'
import { html, type SafeHtml } from './html.js'
import { renderPage, type Chrome } from './layout.js'
import { actionLabels, wordsFor } from './words.js'

export interface ResultLinks {
  resource: string
  record?: string
  /** The status page, for a person signed in to it. */
  status?: string
}

export function resultPage (config: Config, result: ActionResult, links: ResultLinks, chrome: Chrome = {}): string {
  const label = actionLabels[result.queryType]
  const sentence = sentenceOf(result.outcome, result.message)
  return renderPage(`${wordsFor(result.outcome).headline} · ${label}`, html`<h1>${label}</h1>
<p class="muted">ResourceSpace resource ${result.rsid}${result.accessionNumber === undefined ? '' : `, accession number ${result.accessionNumber}`}${result.instance === null ? '' : `, CollectionSpace ${result.instance}`}</p>
${outcomeBox(result.outcome, (result.candidates ?? []).length > 0 ? null : sentence, candidateList(result.accessionNumber, result.candidates ?? []))}
${result.object === undefined ? '' : html`<p>CollectionSpace record: <a href="${result.object.url}">${result.object.title ?? result.object.objectNumber}</a> (object number ${result.object.objectNumber})</p>`}
${changes(config, result)}
${(result.refused ?? []).length === 0 ? '' : html`<h2>Not written</h2><p>ResourceSpace would not keep these values, so spacelink left the fields as they were:</p><ul>${(result.refused ?? []).map(r => html`<li><strong>${fieldLabel(config, r)}</strong>: ${r.reason}</li>`)}</ul>`}
${members(result)}
<div class="actions">
<a class="button" href="${links.resource}">Back to the ResourceSpace resource</a>
${links.record === undefined ? '' : html`<a class="button secondary" href="${links.record}">Open the CollectionSpace record</a>`}
${links.status === undefined ? '' : html`<a class="button secondary" href="${links.status}">Back to the status page</a>`}
</div>
<p class="reference small muted">Reference for IT: <code>${result.transactionId}</code></p>`, { narrow: true, ...chrome })
}

function rows (config: Config, list: readonly FieldChange[]): DiffRow[] {
  return list.map(c => ({ label: fieldLabel(config, c), before: c.previous, after: c.value }))
}

/** What the action wrote into RS; for a dry run, what it would have written; for a refused revert, what changed since. */
function changes (config: Config, result: ActionResult): SafeHtml {
  if (result.outcome === 'conflict') {
    return diffTable('Changed in ResourceSpace since the earlier change', rows(config, result.changes ?? []), ['Field', 'Before the earlier change', 'What spacelink wrote then'])
  }
  const written = result.rsWrites ?? []
  if (written.length > 0) return html`<h2>What changed in ResourceSpace</h2>${diffTable('Fields written', rows(config, written))}`
  const planned = result.changes ?? []
  if (planned.length > 0) return html`<h2>What would change in ResourceSpace</h2>${diffTable('Dry run: nothing was written', rows(config, planned))}`
  return html`<p>Nothing was written into ResourceSpace.</p>`
}

function members (result: ActionResult): SafeHtml {
  const list = result.members ?? []
  if (list.length === 0) return html``
  return html`<h2>The other resources of the group</h2>
<ul>${list.map(m => html`<li>Resource ${m.rsid}: ${badge(m.outcome)} ${sentenceOf(m.outcome, m.message)}</li>`)}</ul>`
}
