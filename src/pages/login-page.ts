/**
 * The status page's sign-in: one field for the admin key (a password field, so it is neither shown nor
 * kept by the browser's form history), posted with a CSRF token.
 */
import { html } from './html.js'
import { renderPage } from './layout.js'

export interface LoginView {
  action: string
  csrf: string
  /** Where to go once signed in (a path of this server). */
  next: string
  /** Why the last attempt failed. */
  error?: string
}

export function loginPage (v: LoginView): string {
  return renderPage('Sign in', html`<h1>Sign in to the spacelink status page</h1>
<p>The status page shows what spacelink did and what needs a person. Enter the admin key once; this browser then stays signed in.</p>
${v.error === undefined ? '' : html`<section class="outcome problem" role="alert"><p>${v.error}</p></section>`}
<form method="post" action="${v.action}">
<input type="hidden" name="_csrf" value="${v.csrf}">
<input type="hidden" name="next" value="${v.next}">
<p><label for="key">Admin key</label>
<input id="key" name="key" type="password" autocomplete="current-password" required aria-describedby="key-help"${v.error === undefined ? '' : html` aria-invalid="true"`}></p>
<p id="key-help" class="small muted">The key IT configured with the admin scope (the button key is not enough).</p>
<div class="actions"><button type="submit">Sign in</button></div>
</form>`, { narrow: true })
}
