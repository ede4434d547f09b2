/**
 * One action in detail, for the status page: what happened in words, the RS field diff (by RS titles,
 * before → after, and whether each write reached RS), the upstream calls, and the buttons — press it
 * again, and undo its metadata writes (revert), both POSTs with a CSRF token.
 */
import type { Config } from '../config/schema.js'
import type { TransactionRow } from '../store/index.js'
import { fieldLabel } from './field-labels.js'
import { diffTable, outcomeBox, postButton, sentenceOf, when } from './fragments.js'
import { html, type SafeHtml } from './html.js'
import { renderPage, type Chrome } from './layout.js'
import { actionLabel, callerWords } from './words.js'

export interface TransactionView {
  config: Config
  transaction: TransactionRow
  csrf: string
  urls: { status: string, callback: string, resource: string, syncRun?: string }
  /** Metadata writes that a revert would undo. */
  revertable: boolean
  /** The action may be pressed again from here (a standing action, not a dry run). */
  retryable: boolean
  chrome: Chrome
}

export function transactionPage (v: TransactionView): string {
  const t = v.transaction
  const label = actionLabel(t.queryType)
  const sentence = t.message === null ? null : sentenceOf(t.outcome, t.message)
  return renderPage(`${label} · resource ${t.rsid}`, html`<p class="small"><a href="${v.urls.status}">← Status page</a></p>
<h1>${label} <span class="muted">for resource ${t.rsid}</span></h1>
${t.finishedAt === null ? html`<section class="outcome info"><p><span class="word">Still running</span></p></section>` : outcomeBox(t.outcome, sentence)}
<dl class="facts card">
<dt>When</dt><dd>${when(t.startedAt)}${t.durationMs === null ? '' : `, took ${(t.durationMs / 1000).toFixed(1)} s`}</dd>
<dt>Who</dt><dd>${callerWords(t.caller)}${t.dryRun ? ' (dry run: nothing written)' : ''}</dd>
<dt>Resource</dt><dd><a href="${v.urls.resource}">Resource ${t.rsid} in ResourceSpace</a></dd>
<dt>Accession number</dt><dd>${t.accessionNumber ?? html`<span class="muted">—</span>`}</dd>
<dt>CollectionSpace</dt><dd>${t.instance ?? html`<span class="muted">—</span>`}</dd>
${v.urls.syncRun === undefined ? '' : html`<dt>Sync run</dt><dd>${t.syncRunId}</dd>`}
<dt>Reference</dt><dd><code>${t.id}</code></dd>
</dl>
${buttons(v)}
${writes(v)}
${steps(t)}
${t.raw === null ? '' : html`<details><summary>The CollectionSpace record as received</summary><pre class="small scroll" tabindex="0">${t.raw}</pre></details>`}`, v.chrome)
}

function buttons (v: TransactionView): SafeHtml {
  const t = v.transaction
  const common = { rsid: String(t.rsid), instance: t.instance ?? undefined, _csrf: v.csrf }
  if (!v.retryable && !v.revertable) return html``
  return html`<div class="actions">
${v.retryable ? postButton(v.urls.callback, { ...common, query_type: t.queryType }, `Press “${actionLabel(t.queryType)}” again`) : ''}
${v.revertable ? postButton(v.urls.callback, { ...common, query_type: 'revert', transaction: t.id }, 'Revert: put the earlier values back', { secondary: true, describedBy: 'revert-help' }) : ''}
</div>
${v.revertable ? html`<p id="revert-help" class="small muted">Revert restores the metadata fields below to their values before this action, unless someone changed them since.</p>` : ''}`
}

function writes (v: TransactionView): SafeHtml {
  const t = v.transaction
  if (t.rsWrites.length === 0) return html`<h2>ResourceSpace fields</h2><p>${t.dryRun ? 'A dry run writes nothing.' : 'This action wrote nothing into ResourceSpace.'}</p>`
  return html`<h2>ResourceSpace fields</h2>
${diffTable('Every field this action wrote, in order', t.rsWrites.map(w => ({
    label: fieldLabel(v.config, w),
    before: w.previous,
    after: w.value,
    note: w.writtenAt === null ? 'not written (the next nightly run completes it)' : `written ${when(w.writtenAt)}`
  })))}`
}

function steps (t: TransactionRow): SafeHtml {
  if (t.steps.length === 0) return html``
  return html`<details><summary>The ${t.steps.length} call(s) to ResourceSpace and CollectionSpace</summary>
<div class="scroll"><table class="stack">
<thead><tr><th scope="col">System</th><th scope="col">Call</th><th scope="col">Answer</th><th scope="col">Time</th></tr></thead>
<tbody>${t.steps.map(s => html`
<tr><td data-label="System">${s.system === 'resourcespace' ? 'ResourceSpace' : 'CollectionSpace'}</td><td data-label="Call">${s.method} ${s.operation}</td><td data-label="Answer">${s.status ?? 'none'}${s.error === undefined ? '' : html` <span class="small">${s.error}</span>`}</td><td data-label="Time">${s.ms} ms</td></tr>`)}
</tbody></table></div>
</details>`
}
