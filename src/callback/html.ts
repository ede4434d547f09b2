/**
 * The two small pages a person's browser gets: a confirmation page for a GET (a GET never writes; the
 * button POSTs), and a result page with the outcome sentence, the fields changed and links back to the
 * RS resource and the CS record. Server-rendered, every value escaped, readable on a phone.
 */
import type { ActionResult } from '../actions/types.js'
import type { CallbackParams } from './parse-params.js'

export function escapeHtml (value: unknown): string {
  return String(value).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

const actionLabels: Record<string, string> = {
  'validate-cspace-id': 'Check the CollectionSpace record',
  'retrieve-metadata': 'Copy metadata from CollectionSpace',
  'push-resource': 'Send the image to CollectionSpace',
  'push-resource-group': 'Send the whole group to CollectionSpace',
  status: 'Show what spacelink knows',
  revert: 'Undo an earlier metadata change'
}

function page (title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · spacelink</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;color:#222}
h1{font-size:1.3rem}.outcome{padding:.75rem;border-radius:.4rem;background:#eef5ee}.outcome.problem{background:#fbeeee}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left;vertical-align:top;word-break:break-word}
button{font-size:1rem;padding:.6rem 1.2rem;border-radius:.4rem;border:0;background:#1d5fa8;color:#fff}
a{color:#1d5fa8}
</style>
</head>
<body>
${body}
</body>
</html>
`
}

export function confirmPage (params: CallbackParams, action: string): string {
  const hidden: Array<[string, string | undefined]> = [
    ['rsid', String(params.rsid)],
    ['query_type', params.queryType],
    ['instance', params.instance],
    ['size', params.size],
    ['transaction', params.transaction],
    ['dry_run', params.dryRun ? 'true' : undefined],
    ['force', params.force ? 'true' : undefined],
    ['key', params.key],
    ['hash', params.hash]
  ]
  const inputs = hidden.filter(([, v]) => v !== undefined).map(([n, v]) => `<input type="hidden" name="${escapeHtml(n)}" value="${escapeHtml(v)}">`).join('\n')
  const label = actionLabels[params.queryType] ?? params.queryType
  return page(label, `<h1>${escapeHtml(label)}</h1>
<p>ResourceSpace resource <strong>${escapeHtml(params.rsid)}</strong>${params.instance === undefined ? '' : `, CollectionSpace instance <strong>${escapeHtml(params.instance)}</strong>`}${params.dryRun ? ' (dry run: nothing will be written)' : ''}.</p>
<form method="post" action="${escapeHtml(action)}">
${inputs}
<button type="submit">${escapeHtml(label)}</button>
</form>`)
}

/**
 * The page a person sees after pressing a button in a browser. The transaction is named, not linked: reading
 * it needs the admin key, which registrars do not have; IT finds it by this reference.
 */
export function resultPage (result: ActionResult, links: { resource: string, record?: string }): string {
  const problem = result.httpStatus >= 400
  // The metadata diff when there is one, else what was written (status sentence, CS URL, synced flag).
  const changes = result.changes !== undefined && result.changes.length > 0 ? result.changes : result.rsWrites ?? []
  const rows = changes.map(c => `<tr><td>${escapeHtml(c.title ?? c.field)}</td><td>${escapeHtml(c.previous)}</td><td>${escapeHtml(c.value)}</td></tr>`).join('\n')
  const refused = (result.refused ?? []).map(r => `<li>${escapeHtml(r.title ?? r.field)}: ${escapeHtml(r.reason)}</li>`).join('\n')
  const members = (result.members ?? []).map(m => `<li>resource ${escapeHtml(m.rsid)}: ${escapeHtml(m.message)}</li>`).join('\n')
  const candidates = (result.candidates ?? []).map(c => `<li>${escapeHtml(c.objectNumber)} (csid ${escapeHtml(c.csid)})</li>`).join('\n')
  return page(result.outcome, `<h1>${escapeHtml(actionLabels[result.queryType] ?? result.queryType)}</h1>
<p class="outcome${problem ? ' problem' : ''}"><strong>${escapeHtml(result.outcome)}</strong>${escapeHtml(result.message.slice(result.outcome.length))}</p>
${candidates === '' ? '' : `<p>Candidates:</p><ul>${candidates}</ul>`}
${rows === '' ? '' : `<table><thead><tr><th>Field</th><th>Before</th><th>After</th></tr></thead><tbody>\n${rows}\n</tbody></table>`}
${refused === '' ? '' : `<p>Not written, because ResourceSpace would not keep these values:</p><ul>${refused}</ul>`}
${members === '' ? '' : `<ul>${members}</ul>`}
<p><a href="${escapeHtml(links.resource)}">Back to the ResourceSpace resource</a>${links.record === undefined ? '' : ` · <a href="${escapeHtml(links.record)}">Open the CollectionSpace record</a>`}</p>
<p class="reference">Reference for IT: <code>${escapeHtml(result.transactionId)}</code></p>`)
}

export function problemPage (title: string, detail: string, resourceLink?: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>
<p class="outcome problem">${escapeHtml(detail)}</p>
${resourceLink === undefined ? '' : `<p><a href="${escapeHtml(resourceLink)}">Back to the ResourceSpace resource</a></p>`}`)
}

/** True when the Accept header ranks HTML above JSON (browsers), false for curl's `*\/*` and JSON clients. */
export function prefersHtml (accept: string | undefined): boolean {
  if (accept === undefined || accept === '') return false
  let best: { type: string, q: number } | undefined
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.trim().toLowerCase().split(';')
    const q = Number(params.find(p => p.trim().startsWith('q='))?.split('=')[1] ?? '1')
    if (!['text/html', 'application/json', 'application/problem+json', 'application/hal+json'].includes(type)) continue
    if (best === undefined || q > best.q) best = { type, q }
  }
  return best?.type === 'text/html'
}
