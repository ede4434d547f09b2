/**
 * The frame of every page for people: one stylesheet (inline, so there is no asset route and no build
 * step; allowed by its hash in the Content-Security-Policy), a skip link, a header with the signed-in
 * person's sign-out button, and a `main` landmark. Colours keep at least 4.5:1 contrast; focus is
 * always visible; below 40rem everything stacks for a phone.
 */
import { html, trusted, type SafeHtml } from './html.js'

export const pageStyle = `
:root{--ink:#1a1a1a;--muted:#4a4a4a;--line:#c9c9c9;--brand:#174a8b;--brand-dark:#0f3566;--ok:#e6f2e8;--ok-line:#2e6b3a;--bad:#fbeaea;--bad-line:#a3262a;--info:#eef2f8}
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:var(--ink);background:#fff}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem;z-index:2}.skip:focus{left:.5rem}
header.bar{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;padding:.6rem 1rem;background:var(--brand);color:#fff}
header.bar a,header.bar .brand{color:#fff;font-weight:600;text-decoration:none}header.bar a:hover{text-decoration:underline}
header.bar nav ul{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;margin:0;padding:0}
header.bar form{margin:0}header.bar button{background:#fff;color:var(--brand-dark);padding:.3rem .8rem}
main{max-width:60rem;margin:0 auto;padding:1rem}main.narrow{max-width:42rem}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:2rem 0 .5rem}h3{font-size:1.05rem;margin:1.25rem 0 .4rem}
a{color:var(--brand)}a:hover{color:var(--brand-dark)}
:focus-visible{outline:3px solid #d48a00;outline-offset:2px}
.muted{color:var(--muted)}.small{font-size:.875rem}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.card{border:1px solid var(--line);border-radius:.5rem;padding:1rem;margin:1rem 0}.card h2{margin-top:0}
.resource{display:flex;gap:1rem;align-items:flex-start}.resource img{width:120px;height:auto;border:1px solid var(--line);border-radius:.25rem;flex:none}
.resource .noimage{width:120px;height:90px;display:flex;align-items:center;justify-content:center;border:1px dashed var(--line);color:var(--muted);font-size:.8rem;text-align:center;flex:none}
details{margin:1rem 0}summary{cursor:pointer}dl.facts.card{margin:1rem 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
.outcome{padding:.75rem 1rem;border-radius:.5rem;border-left:6px solid var(--ok-line);background:var(--ok)}
.outcome.problem{border-left-color:var(--bad-line);background:var(--bad)}.outcome.info{border-left-color:var(--brand);background:var(--info)}
.outcome p{margin:.25rem 0}.outcome .word{font-weight:700}
.next{font-weight:600}
button,.button{display:inline-block;white-space:nowrap;font:inherit;font-weight:600;padding:.6rem 1.2rem;border-radius:.4rem;border:2px solid var(--brand);background:var(--brand);color:#fff;cursor:pointer;text-decoration:none;line-height:1.3}
button:hover,.button:hover{background:var(--brand-dark);border-color:var(--brand-dark);color:#fff}
.button.secondary,button.secondary{background:#fff;color:var(--brand)}.button.secondary:hover,button.secondary:hover{background:var(--info);color:var(--brand-dark)}
button.small{padding:.25rem .7rem;font-size:.875rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:1.25rem 0}
form.inline{display:inline}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.925rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border-bottom:1px solid var(--line);padding:.4rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
table.diff{table-layout:fixed}table.diff thead th:first-child{width:26%}table.diff td{overflow-wrap:anywhere}
thead th{background:#f3f5f8}
td.value{white-space:pre-wrap}.arrow{color:var(--muted)}
del{color:var(--bad-line)}ins{color:var(--ok-line);text-decoration:none;font-weight:600}
fieldset{border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem}legend{font-weight:600;padding:0 .25rem}
.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:.75rem;align-items:end}
label{display:block;font-weight:600;font-size:.9rem;margin-bottom:.15rem}
input,select{font:inherit;width:100%;padding:.4rem;border:1px solid #767676;border-radius:.3rem;background:#fff;color:var(--ink)}
.pager{display:flex;gap:1rem;align-items:center;margin:.75rem 0}
.badge{display:inline-block;padding:0 .45rem;border-radius:1rem;background:#f3f5f8;border:1px solid var(--line);font-size:.85rem;white-space:nowrap}
.badge.problem{background:var(--bad);border-color:var(--bad-line)}
.chart svg{max-width:100%;height:auto}
ul.candidates{padding-left:1.2rem}ul.candidates li{margin:.3rem 0}
@media (max-width:40rem){.resource{flex-direction:column}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.4rem}
table.stack thead{position:absolute;left:-999px}table.stack tr{display:block;border-bottom:2px solid var(--line);padding:.4rem 0}table.stack td{display:block;border:0;padding:.15rem .25rem}
table.stack th[scope=row]{display:block;border:0;padding:.15rem .25rem}table.stack td::before{content:attr(data-label) ": ";font-weight:600}table.stack td[data-label=""]::before{content:none}
table.diff{table-layout:auto}table.diff thead th:first-child{width:auto}}
`

export interface Chrome {
  /** The signed-in person's header: links to the status page and a sign-out button. */
  signedIn?: { statusUrl: string, logoutUrl: string, csrf: string }
  /** A narrower column for the button pages. */
  narrow?: boolean
}

export function renderPage (title: string, body: SafeHtml, chrome: Chrome = {}): string {
  const header = chrome.signedIn === undefined
    ? html`<header class="bar"><span class="brand">spacelink</span></header>`
    : html`<header class="bar">
<a class="brand" href="${chrome.signedIn.statusUrl}">spacelink</a>
<nav aria-label="Status page"><ul>
<li><a href="${chrome.signedIn.statusUrl}#attention">Needs attention</a></li>
<li><a href="${chrome.signedIn.statusUrl}#recent">Recent actions</a></li>
<li><a href="${chrome.signedIn.statusUrl}#runs">Sync runs</a></li>
</ul></nav>
<form method="post" action="${chrome.signedIn.logoutUrl}"><input type="hidden" name="_csrf" value="${chrome.signedIn.csrf}"><button type="submit" class="small">Sign out</button></form>
</header>`
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · spacelink</title>
<style>${trusted(pageStyle)}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
${header}
<main id="main"${trusted(chrome.narrow === true ? ' class="narrow"' : '')}>
${body}
</main>
</body>
</html>
`.text
}
