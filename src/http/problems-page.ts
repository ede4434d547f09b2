/** /docs/problems: one section per problem code, its anchor the fragment of the problem's `type`. */
import { escapeHtml } from '../pages/html.js'
import { problemAnchor, problemCatalogue } from './problem-catalogue.js'

export function problemsPage (): string {
  const sections = problemCatalogue.map(p => `<section id="${escapeHtml(problemAnchor(p.code))}">
<h2><a href="#${escapeHtml(problemAnchor(p.code))}">${escapeHtml(p.title)}</a></h2>
<p><code>${escapeHtml(p.code)}</code> · HTTP ${escapeHtml(p.status)}</p>
<p><strong>What it means:</strong> ${escapeHtml(p.meaning)}</p>
<p><strong>What to do:</strong> ${escapeHtml(p.todo)}</p>
</section>`).join('\n')
  const index = problemCatalogue.map(p => `<li><a href="#${escapeHtml(problemAnchor(p.code))}"><code>${escapeHtml(p.code)}</code></a> ${escapeHtml(p.title)}</li>`).join('\n')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Problems · spacelink</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:1rem auto;padding:0 1rem;color:#222}
h2{font-size:1.1rem;margin-bottom:.2rem}section{border-top:1px solid #ddd;padding:.4rem 0}section:target{background:#fff8d6}
a{color:#1d5fa8}code{background:#f3f3f3;padding:0 .2rem}
</style>
</head>
<body>
<h1>spacelink problems</h1>
<p>Every error spacelink answers is a problem document (<code>application/problem+json</code>, RFC 9457) with a stable
<code>code</code>. Its <code>type</code> links to the entry below. See also <a href="/docs">the API documentation</a>.</p>
<ul>
${index}
</ul>
${sections}
</body>
</html>
`
}
