/**
 * CollectionSpace refNames → the names people see. Authority and vocabulary terms are stored as
 * `urn:cspace:<domain>:<service>:name(<auth>):item:name(<shortId>)'<Display Name>'`, records as
 * `urn:cspace:<domain>:<service>:id(<csid>)'<display>'`.
 *
 * The display part is NOT escaped (docs/collectionspace-api.md §Records and lists): it runs from the quote after the identifier to the final
 * quote and may itself contain `'`, `"`, `(`, `)`, `,` and `:` (`Georgia O'Keeffe`, `No'Where`,
 * `The "Grand" Canyon`, `Morris, Perry(Pete)`). The original spacelink's greedy regex cut
 * `Smith's Appletree Garager` down to `s Appletree Garager`.
 */

// The identifier: a record `id(csid)`, or an authority `name(auth)` followed by its item segment
// (`:item:name(x)`, or in legacy data `'Authority name':person:name(x)`). Short ids and csids never
// contain quotes or parentheses, so the head can be matched strictly; the display name is what follows.
const head = /^urn:cspace:[^:']+:[^:']+:(?:id\([^)']*\)|name\([^)']*\)(?:(?:'[^']*')?:[A-Za-z]+:name\([^)']*\))?)/

/**
 * The display name of a refName; any other value (plain text, an option-list id such as `antiquities`)
 * is returned unchanged, as is a refName without a display part. Line breaks and runs of whitespace in
 * a display name (pretty-printed legacy data) collapse to one space.
 */
export function displayName (value: string): string {
  const v = value.trim()
  if (!v.startsWith('urn:cspace:') || !v.endsWith("'")) return value
  const match = head.exec(v)
  // The structured match also handles the legacy form with an authority display name in the middle;
  // for anything unexpected, fall back to the documented rule: first quote to the final quote.
  const start = match !== null && v[match[0].length] === "'" ? match[0].length : v.indexOf("'")
  if (start >= v.length - 1) return value
  return collapse(v.substring(start + 1, v.length - 1))
}

export function isRefName (value: string): boolean {
  return value.trim().startsWith('urn:cspace:')
}

function collapse (text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
