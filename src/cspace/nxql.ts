/**
 * Building NXQL for the `as=` parameter of CollectionSpace list calls. `as` is appended verbatim to the
 * server's WHERE clause, so every value must reach it as a properly escaped literal: unescaped input is
 * both a wrong answer (`1985.4'b` breaks the query) and an injection risk.
 */

/**
 * A single-quoted NXQL string literal, escaped like Nuxeo's own `NXQL.escapeString`: backslash → `\\`,
 * `'` → `\'`, and line breaks as `\n` / `\r` (the NXQL lexer rejects raw line breaks inside a literal).
 * With `=` the value is matched exactly; `%` and `_` are only wildcards for LIKE/ILIKE.
 */
export function nxqlString (value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
  return `'${escaped}'`
}

// `schema:path`, where path segments are names, `*` or list indexes (`titleGroupList/*/title`).
const fieldPattern = /^[A-Za-z_][\w-]*:[A-Za-z_][\w-]*(\/(\*|\d+|[A-Za-z_][\w-]*))*$/

/** `field = 'value'` with the field checked (it comes from code or configuration, never from users). */
export function nxqlEquals (field: string, value: string): string {
  if (!fieldPattern.test(field)) throw new TypeError(`not an NXQL field: ${JSON.stringify(field)}`)
  return `${field} = ${nxqlString(value)}`
}

/**
 * A `TIMESTAMP "…Z"` literal. CollectionSpace rewrites exactly this form (whitespace, TIMESTAMP,
 * whitespace, double-quoted value) from UTC to server-local time before running the query; any other
 * form is read as server-local time and is off by the server's UTC offset (docs/collectionspace-api.md §Search (NXQL)).
 */
export function nxqlTimestamp (time: string | Date): string {
  const date = typeof time === 'string' ? new Date(time) : time
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a timestamp: ${String(time)}`)
  return `TIMESTAMP "${date.toISOString()}"`
}
