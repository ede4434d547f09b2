/**
 * A refusal or failure as a page (a browser's 4xx and 5xx): what went wrong, in a sentence, and where to
 * go from here — back to RS, or to the sign-in when the page needs one.
 */
import { html } from './html.js'
import { renderPage, type Chrome } from './layout.js'

export interface ProblemLinks {
  resource?: string
  login?: string
}

export function problemPage (title: string, detail: string, links: ProblemLinks = {}, chrome: Chrome = {}): string {
  return renderPage(title, html`<h1>${title}</h1>
<section class="outcome problem"><p>${detail}</p></section>
<div class="actions">
${links.login === undefined ? '' : html`<a class="button" href="${links.login}">Sign in with the admin key</a>`}
${links.resource === undefined ? '' : html`<a class="button secondary" href="${links.resource}">Back to the ResourceSpace resource</a>`}
</div>`, { narrow: true, ...chrome })
}
