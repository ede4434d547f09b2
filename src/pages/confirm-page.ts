/**
 * The confirmation page a button link opens (GET /api/v1/callback): which resource, which CollectionSpace
 * record spacelink would use, and what pressing will change — then one clear button, and a way back to
 * RS. Rendering it wrote nothing; the button POSTs the same parameters with a CSRF token.
 */
import type { ActionPreview } from '../actions/preview.js'
import type { QueryType } from '../vocabulary.js'
import { candidateList, diffTable, outcomeBox } from './fragments.js'
import { html, type SafeHtml } from './html.js'
import { renderPage, type Chrome } from './layout.js'
import { actionLabels, actionPromises } from './words.js'

export interface ConfirmView {
  queryType: QueryType
  rsid: number
  dryRun: boolean
  force: boolean
  /** Every parameter the POST repeats, as hidden fields (credentials included: the link carried them). */
  hidden: Record<string, string | undefined>
  /** The form's action. */
  action: string
  csrf: string
  /** The resource's page in RS: where Cancel leads. */
  resourceUrl: string
  preview: ActionPreview
  chrome?: Chrome
}

export function confirmPage (v: ConfirmView): string {
  const label = actionLabels[v.queryType]
  const p = v.preview
  return renderPage(label, html`<h1>${label}</h1>
<p>${actionPromises[v.queryType]}${v.dryRun ? html` <strong>Dry run: nothing will be written.</strong>` : ''}${v.force ? html` <strong>Forced: the image is sent again even if it is already in CollectionSpace.</strong>` : ''}</p>
${p.unavailable === undefined ? '' : html`<section class="outcome info"><p><span class="word">spacelink could not look everything up just now.</span></p><p>${p.unavailable}</p><p>The button may still work; its result page will say what happened.</p></section>`}
${resourceCard(v)}
${v.queryType === 'revert' ? revertPart(p) : matchPart(p)}
${changesPart(v)}
<form method="post" action="${v.action}">
${Object.entries(v.hidden).filter(([, value]) => value !== undefined).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">
`)}<input type="hidden" name="_csrf" value="${v.csrf}">
<div class="actions">
<button type="submit">${label}</button>
<a class="button secondary" href="${v.resourceUrl}">Cancel and go back to ResourceSpace</a>
</div>
</form>`, { narrow: true, ...v.chrome })
}

function resourceCard (v: ConfirmView): SafeHtml {
  const r = v.preview.resource
  const title = r?.title
  return html`<section class="card" aria-labelledby="resource-heading">
<h2 id="resource-heading">The ResourceSpace resource</h2>
<div class="resource">
${r?.thumbnailUrl === undefined
    ? html`<div class="noimage">No preview in ResourceSpace</div>`
    : html`<img src="${r.thumbnailUrl}" alt="${title === undefined ? `Thumbnail of resource ${v.rsid}` : `Thumbnail of ${title}`}" width="120">`}
<dl class="facts">
<dt>Title</dt><dd>${title ?? html`<span class="muted">(no title)</span>`}</dd>
<dt>Resource</dt><dd><a href="${v.resourceUrl}">${v.rsid}</a></dd>
${r === undefined ? '' : html`<dt>Type</dt><dd>${r.resourceTypeName === undefined ? `type ${r.resourceType}` : `${r.resourceTypeName} (type ${r.resourceType})`}</dd>`}
<dt>Accession number</dt><dd>${v.preview.accessionNumber ?? html`<span class="muted">(none found)</span>`}</dd>
${r?.originalFilename === undefined ? '' : html`<dt>File</dt><dd>${r.originalFilename}</dd>`}
${v.preview.instance === undefined ? '' : html`<dt>CollectionSpace</dt><dd>${v.preview.instance}</dd>`}
</dl>
</div>
</section>`
}

function matchPart (p: ActionPreview): SafeHtml {
  if (p.object !== undefined) {
    return html`<section class="card" aria-labelledby="match-heading">
<h2 id="match-heading">The CollectionSpace record spacelink will use</h2>
<dl class="facts">
<dt>Object number</dt><dd>${p.object.objectNumber}</dd>
<dt>Title</dt><dd>${p.object.title ?? html`<span class="muted">(no title)</span>`}</dd>
<dt>Record</dt><dd><a href="${p.object.url}">Open it in CollectionSpace</a></dd>
</dl>
</section>`
  }
  if (p.early === undefined) return html``
  return html`<section aria-labelledby="match-heading">
<h2 id="match-heading">The CollectionSpace record</h2>
${outcomeBox(p.early.outcome, null, candidateList(p.early.accessionNumber, p.early.candidates ?? []))}
<p>Pressing the button now only records this in the resource’s status field.</p>
</section>`
}

function revertPart (p: ActionPreview): SafeHtml {
  if (p.revert === undefined) return html``
  if (!p.revert.found) {
    return html`<section class="outcome problem"><p><span class="word">spacelink has no transaction ${p.revert.transactionId} for this resource.</span></p><p>Check the link; pressing the button will only report this.</p></section>`
  }
  if (p.revert.changedSince === undefined) return html``
  return html`<section class="outcome problem"><p><span class="word">Nothing can be put back: ${p.revert.changedSince.join(', ')} changed in ResourceSpace since transaction ${p.revert.transactionId}.</span></p><p>Putting the earlier values back would overwrite that edit; pressing the button will only report this.</p></section>`
}

function changesPart (v: ConfirmView): SafeHtml {
  const p = v.preview
  const rows = p.writes.map(w => ({
    label: w.title,
    before: w.current,
    after: w.value,
    ...(w.description === undefined ? {} : { description: w.description })
  }))
  const heading = v.queryType === 'status' ? 'Nothing will be written' : 'What pressing will change in ResourceSpace'
  const derivative = p.derivative === undefined
    ? html``
    : 'problem' in p.derivative
      ? html`<p><strong>No image can be sent:</strong> ${p.derivative.problem}</p>`
      : p.derivative.pushedAs === undefined
        ? html`<p>The <strong>${p.derivative.size}</strong> image${p.derivative.width === undefined ? '' : ` (${p.derivative.width} × ${p.derivative.height ?? '?'} pixels)`} will be sent to CollectionSpace as a new media record.</p>`
        : html`<p>The <strong>${p.derivative.size}</strong> image is already in CollectionSpace (media <code>${p.derivative.pushedAs}</code>): ${v.force ? 'it will be sent again as a new version.' : 'spacelink checks it is still there and sends nothing again.'}</p>`
  const group = p.group === undefined
    ? html``
    : html`<p>${p.group.members.length} resource(s) share the group value <strong>${p.group.value === '' ? '(empty)' : p.group.value}</strong>: ${p.group.members.join(', ')}. Each one is sent to the same record.</p>`
  return html`<section aria-labelledby="changes-heading">
<h2 id="changes-heading">${heading}</h2>
${derivative}
${group}
${diffTable(v.queryType === 'revert' ? 'Fields put back' : 'Fields', rows, v.queryType === 'revert' ? ['Field', 'Now', 'Back to'] : ['Field', 'Now', 'After'])}
${p.refused.length === 0 ? '' : html`<p>Not written, because ResourceSpace would not keep these values:</p><ul>${p.refused.map(r => html`<li>${r.title ?? r.field}: ${r.reason}</li>`)}</ul>`}
${rows.length === 0 && v.queryType !== 'status' && p.early === undefined && p.unavailable === undefined && p.derivative === undefined ? html`<p>No field would change: ResourceSpace already holds these values.</p>` : ''}
</section>`
}
