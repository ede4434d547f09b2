/**
 * The status page (`/`): what needs a person (resources whose last action failed, grouped by reason, each
 * with a retry button), the recent actions with filters and paging, and the sync runs with their counts
 * and a chart of items per night. Filters are a GET form (reading); every button is a POST with a CSRF
 * token to the one callback endpoint.
 */
import type { AttentionItem, AttentionPage, SyncRunRow, TransactionRow } from '../store/index.js'
import { outcomes, queryTypes } from '../vocabulary.js'
import { badge, postButton, when } from './fragments.js'
import { html, type SafeHtml } from './html.js'
import { renderPage, type Chrome } from './layout.js'
import { nightChart, type Night } from './night-chart.js'
import type { StatusFilters } from './status-filters.js'
import { actionLabel, actionLabels, callerWords, outcomeLabel, wordsFor } from './words.js'

export interface StatusUrls {
  /** The status page itself (`/`). */
  self: string
  callback: string
  transaction: (id: string) => string
  resource: (rsid: number) => string
}

export interface StatusView {
  urls: StatusUrls
  csrf: string
  instances: string[]
  attention: AttentionPage
  recent: { items: TransactionRow[], total: number, filters: StatusFilters }
  runs: SyncRunRow[]
  nights: Night[]
  chrome: Chrome
}

export function statusPage (v: StatusView): string {
  return renderPage('Status', html`<h1>spacelink status</h1>
<p>${v.attention.total === 0 ? 'Nothing needs attention.' : `${v.attention.total} resource(s) need attention.`} ${v.recent.total} action(s) ${v.recent.filters.active ? 'match the filters' : 'recorded'}; ${v.runs.length === 0 ? 'no sync run yet' : `last sync run ${when(v.runs[0]?.startedAt)}`}.</p>
${attention(v)}
${recent(v)}
${runs(v)}`, v.chrome)
}

function attention (v: StatusView): SafeHtml {
  const groups = new Map<string, AttentionItem[]>()
  for (const item of v.attention.items) {
    const key = outcomeLabel(item.outcome)
    groups.set(key, [...(groups.get(key) ?? []), item])
  }
  const ordered = Object.entries(v.attention.byOutcome).sort((a, b) => b[1] - a[1])
  return html`<section aria-labelledby="attention">
<h2 id="attention">Needs attention</h2>
${ordered.length === 0 ? html`<p>Every resource’s last action succeeded.</p>` : ''}
${ordered.map(([outcome, count]) => {
    const items = groups.get(outcome) ?? []
    const words = wordsFor(outcome === 'error' ? null : outcome)
    return html`<h3 id="attention-${outcome}">${words.headline} <span class="badge problem">${outcome}</span> <span class="muted">${count} resource(s)</span></h3>
${words.next === undefined ? '' : html`<p class="small">${words.next}</p>`}
<div class="scroll"><table class="stack">
<caption class="vh">Resources whose last action ended in ${outcome}</caption>
<thead><tr><th scope="col">Resource</th><th scope="col">Accession number</th><th scope="col">Last action</th><th scope="col">What happened</th><th scope="col"><span class="vh">Buttons</span></th></tr></thead>
<tbody>${items.map(item => html`
<tr>
<th scope="row" data-label="Resource"><a href="${v.urls.resource(item.rsid)}">Resource ${item.rsid}</a>${item.instance === null ? '' : html` <span class="muted small">(${item.instance})</span>`}</th>
<td data-label="Accession number">${item.accessionNumber ?? html`<span class="muted">—</span>`}</td>
<td data-label="Last action">${actionLabel(item.queryType)}, ${callerWords(item.caller)}, ${when(item.startedAt)}</td>
<td data-label="What happened">${item.message ?? ''}</td>
<td data-label="">${postButton(v.urls.callback, {
      rsid: String(item.rsid),
      query_type: item.queryType,
      instance: item.instance ?? undefined,
      _csrf: v.csrf
    }, html`Retry<span class="vh"> resource ${item.rsid}</span>`, { small: true })} <a href="${v.urls.transaction(item.transactionId)}">Details<span class="vh"> of resource ${item.rsid}’s last action</span></a></td>
</tr>`)}
</tbody></table></div>
${items.length < count ? html`<p class="small muted">Showing the ${items.length} most recent of ${count}.</p>` : ''}`
  })}
</section>`
}

function recent (v: StatusView): SafeHtml {
  const f = v.recent.filters
  const pages = Math.max(1, Math.ceil(v.recent.total / f.size))
  const link = (page: number): string => `${v.urls.self}?${f.query({ page })}#recent`
  const option = (value: string, label: string, selected: string | undefined): SafeHtml =>
    html`<option value="${value}"${value === (selected ?? '') ? html` selected` : ''}>${label}</option>`
  return html`<section aria-labelledby="recent">
<h2 id="recent">Recent actions</h2>
<form method="get" action="${v.urls.self}#recent">
<fieldset><legend>Filter the actions</legend>
<div class="filters">
<div><label for="f-instance">CollectionSpace instance</label><select id="f-instance" name="instance">${option('', 'any', f.instance)}${v.instances.map(i => option(i, i, f.instance))}</select></div>
<div><label for="f-outcome">Outcome</label><select id="f-outcome" name="outcome">${option('', 'any', f.outcome)}${outcomes.map(o => option(o, o, f.outcome))}</select></div>
<div><label for="f-query">Action</label><select id="f-query" name="query_type">${option('', 'any', f.queryType)}${queryTypes.map(q => option(q, actionLabels[q], f.queryType))}</select></div>
<div><label for="f-rsid">Resource</label><input id="f-rsid" name="rsid" inputmode="numeric" pattern="[0-9]*" value="${f.rsid === undefined ? '' : String(f.rsid)}"></div>
<div><label for="f-from">From (UTC date)</label><input id="f-from" name="from" type="date" value="${f.from ?? ''}"></div>
<div><label for="f-to">To (UTC date)</label><input id="f-to" name="to" type="date" value="${f.to ?? ''}"></div>
</div>
<div class="actions"><button type="submit">Show actions</button>${f.active ? html`<a href="${v.urls.self}#recent">Clear the filters</a>` : ''}</div>
</fieldset>
</form>
${v.recent.items.length === 0
    ? html`<p>No action ${f.active ? 'matches these filters' : 'recorded yet'}.</p>`
    : html`<div class="scroll"><table class="stack">
<caption class="vh">Actions, newest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Resource</th><th scope="col">Action</th><th scope="col">Outcome</th><th scope="col">Who</th><th scope="col">Details</th></tr></thead>
<tbody>${v.recent.items.map(t => html`
<tr>
<td data-label="When">${when(t.startedAt)}</td>
<th scope="row" data-label="Resource"><a href="${v.urls.resource(t.rsid)}">${t.rsid}</a>${t.accessionNumber === null ? '' : html` <span class="muted small">${t.accessionNumber}</span>`}</th>
<td data-label="Action">${actionLabel(t.queryType)}${t.dryRun ? ' (dry run)' : ''}${t.instance === null ? '' : html` <span class="muted small">(${t.instance})</span>`}</td>
<td data-label="Outcome">${badge(t.outcome, t.finishedAt === null ? 'running' : outcomeLabel(t.outcome))}</td>
<td data-label="Who">${callerWords(t.caller)}</td>
<td data-label="Details"><a href="${v.urls.transaction(t.id)}">Details<span class="vh"> of the ${when(t.startedAt)} action on resource ${t.rsid}</span></a></td>
</tr>`)}
</tbody></table></div>`}
<nav class="pager" aria-label="Pages of actions">
${f.page > 0 ? html`<a href="${link(f.page - 1)}" rel="prev">Newer</a>` : ''}
<span>Page ${f.page + 1} of ${pages} (${v.recent.total} action(s))</span>
${f.page + 1 < pages ? html`<a href="${link(f.page + 1)}" rel="next">Older</a>` : ''}
</nav>
</section>`
}

function runs (v: StatusView): SafeHtml {
  return html`<section aria-labelledby="runs">
<h2 id="runs">Sync runs</h2>
${nightChart(v.nights)}
${v.runs.length === 0
    ? html`<p>No sync run yet.</p>`
    : html`<div class="scroll"><table class="stack">
<caption class="vh">Sync runs, newest first</caption>
<thead><tr><th scope="col">Started</th><th scope="col">Instance</th><th scope="col">Status</th><th scope="col">Items</th><th scope="col">Outcomes</th></tr></thead>
<tbody>${v.runs.map(r => {
        const counts = Object.entries(r.counts).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1])
        const items = counts.reduce((a, [, n]) => a + n, 0)
        return html`
<tr>
<th scope="row" data-label="Started">${when(r.startedAt)}${r.options.dryRun === true ? ' (dry run)' : ''}</th>
<td data-label="Instance">${r.instance}</td>
<td data-label="Status">${r.status}${r.finishedAt === null ? '' : html` <span class="muted small">until ${when(r.finishedAt)}</span>`}${r.error === null ? '' : html`<br><span class="small">${r.error}</span>`}</td>
<td data-label="Items">${items}${r.total === null ? '' : ` of ${r.total}`}</td>
<td data-label="Outcomes">${counts.length === 0 ? html`<span class="muted">none</span>` : counts.map(([o, n]) => html`${badge(o, `${n} ${o}`)} `)}</td>
</tr>`
      })}
</tbody></table></div>`}
</section>`
}
