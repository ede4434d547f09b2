/**
 * ResourceSpace API request signing (docs/resourcespace-api.md §Signing).
 *
 * RS hashes the query string exactly as it arrives, still percent-encoded and in the order sent:
 * `sign = lowercase hex sha256(private key + query)`, with `sign`, `authmode` and `pretty` removed.
 * So the one rule is: build the query once, sign that very string, and send that very string.
 *
 * Encoding choice: `encodeQueryComponent` (only RFC 3986 unreserved characters travel bare, a space is
 * `%20`). Nothing between us and RS (URL parsers, proxies, undici) has a reason to rewrite such a string,
 * and it is the form of the worked examples in docs/resourcespace-api.md (`search=%21empty101`).
 * (PHP's `urlencode`, used by the official clients, writes a space as `+`; RS accepts both, as long as
 * the bytes signed are the bytes sent.)
 */
import { createHash } from 'node:crypto'
import { encodeQueryComponent } from '../util/url.js'

/** One query parameter; order matters because RS signs the string as sent. */
export type RsParam = readonly [name: string, value: string | number]

/**
 * The query string for one API call: `user=…&function=…&<params in the order given>`.
 * `user` and `function` come first because that is the order the RS docs and clients use; RS itself
 * does not care about the order, only that the signed order is the sent order.
 */
export function buildRsQuery (user: string, fn: string, params: readonly RsParam[] = []): string {
  const pairs: RsParam[] = [['user', user], ['function', fn], ...params]
  return pairs.map(([name, value]) => `${encodeQueryComponent(name)}=${encodeQueryComponent(String(value))}`).join('&')
}

/** Lowercase hex sha256 of key + query: RS compares with `===`, so uppercase hex would fail. */
export function signRsQuery (key: string, query: string): string {
  return createHash('sha256').update(key + query).digest('hex')
}

/**
 * The query with `&sign=` appended last (older RS required it last). `pretty` and `authmode` must never
 * be signed: add them after this, if at all.
 */
export function signedRsQuery (key: string, query: string): string {
  return `${query}&sign=${signRsQuery(key, query)}`
}
