/** URL text helpers shared by both upstream clients, the store and the logs. */

/**
 * Percent-encodes everything except the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~`, so a
 * space is `%20`, a `+` is never read as a space and `' ( ) * !` travel encoded. Both upstreams accept
 * this form, and nothing between spacelink and them has a reason to rewrite it — which matters for RS,
 * which signs the query string exactly as sent (docs/resourcespace-api.md §Signing).
 */
export function encodeQueryComponent (value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/**
 * The URL with its secrets hidden, safe for logs and error messages: the password of a
 * `scheme://user:password@host` URL, and the values of `key`, `sign`, `hash`, `access_key` and `k`.
 */
export function redactUrl (url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@')
    .replace(/([?&](?:key|sign|hash|access_key|k)=)[^&#]*/gi, '$1[redacted]')
}

/** `path` resolved against a base URL that may or may not end in `/` (a base path is kept). */
export function absoluteUrl (base: string, path: string): string {
  return new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`).toString()
}
