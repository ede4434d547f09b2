/**
 * HTML forms as the pages post them: `application/x-www-form-urlencoded` text. The callback route keeps
 * the body as text (an api_webhooks body is a bare ref, which a form parser would turn into a key); the
 * other page routes parse it here. Both find the CSRF token the same way.
 */
import { SpacelinkError } from '../errors.js'
import { isRecord } from '../util/records.js'

/** The name of the hidden field that carries a form's CSRF token. */
export const csrfField = '_csrf'

/** `a=1&b=2` → `{ a: '1', b: '2' }`; a name given twice is refused (which value was meant?). */
export function parseForm (text: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const [name, value] of new URLSearchParams(text)) {
    if (Object.hasOwn(fields, name)) throw new SpacelinkError('INVALID_INPUT', 400, 'Invalid input', `field '${name.slice(0, 40)}' is given more than once`)
    fields[name] = value
  }
  return fields
}

/** The CSRF token a request carries: the form field (raw or parsed body), else the `X-CSRF-Token` header. */
export function csrfTokenOf (request: { body?: unknown, headers: Record<string, string | string[] | undefined> }): string | undefined {
  const { body } = request
  const fromBody = typeof body === 'string'
    ? new URLSearchParams(body).get(csrfField) ?? undefined
    : isRecord(body) && typeof body[csrfField] === 'string' ? body[csrfField] : undefined
  if (fromBody !== undefined) return fromBody
  const header = request.headers['x-csrf-token']
  return typeof header === 'string' ? header : undefined
}

/** Where a sign-in may lead afterwards: a path of this server, never another site (an open redirect). */
export function localPath (next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) && !/[\r\n]/.test(next) ? next : '/'
}
