/**
 * RS search semantics as observed on a real RS (docs/resourcespace-api.md §Search):
 *
 * - A search string without whitespace is one keyword: `a:x,b:y` finds nothing, `!list1:2,term` ignores
 *   `term`. With whitespace, terms are split on spaces and commas and ANDed.
 * - `field:value` matches a *run of tokens* anywhere in the value, case-insensitively (`2024.1.2` finds
 *   `2024.1.2.5` but not `2024.1.20`; `2024.1.2*` also finds `2024.1.20`); quotes change nothing.
 *   An unknown field name makes the colon a plain separator.
 * - `!empty<ref>` finds resources without a value; an unknown numeric ref is a 403 page; a name instead
 *   of a ref silently tests another field (here: one no resource uses, so everything matches); two
 *   `!empty` terms alone find nothing.
 * - `!list1:2:3` selects refs and ignores the archive filter; `@@<node>` selects an option node.
 * - Everything else is filtered by `restypes` and by workflow state (`archive`, default 0).
 */
import type { RsField, RsResource, RsStore } from './store.js'

export interface SearchQuery {
  search: string
  restypes: number[]
  archive: number[]
  orderBy: string
  sort: string
}

export type SearchResult =
  | { ok: true, resources: RsResource[], special: boolean }
  | { ok: false, reason: 'field-not-found' }
  /** A real RS fails with an SQL error (its PHP error object) on `!empty<ref>` limited to types the field does not apply to. */
  | { ok: false, reason: 'sql-error' }

/** Value separators (RS `$config_separators`, plus the comma that joins option names). */
const separators = /[\s/_.;\-()'"\\?,]+/
/** One-letter stop words RS drops from a search (`accessionnumber:a` searched for everything). */
const stopWords = new Set(['a', 'i'])

type Term =
  | { kind: 'empty', field: string }
  | { kind: 'node', node: number }
  | { kind: 'field', field: RsField, tokens: string[], prefix: boolean }
  | { kind: 'keywords', keywords: Array<{ tokens: string[], prefix: boolean }> }
  | { kind: 'nothing' }

export function runSearch (store: RsStore, query: SearchQuery): SearchResult {
  const search = query.search.trim()
  const hasSpace = /\s/.test(search)
  let words = hasSpace ? search.split(/[\s,]+/).filter((word) => word !== '') : (search === '' ? [] : [search])
  let listed: Set<number> | undefined
  if (words[0]?.startsWith('!list') === true) {
    listed = parseList(words[0].slice(5))
    words = hasSpace ? words.slice(1) : []
  }
  const terms = words.map((word) => parseTerm(store, word, hasSpace))
  for (const term of terms) {
    if (term.kind === 'empty' && /^\d+$/.test(term.field)) {
      const field = store.fields.get(Number(term.field))
      if (field === undefined) return { ok: false, reason: 'field-not-found' }
      if (query.restypes.length > 0 && !query.restypes.some((type) => store.appliesTo(field, type))) return { ok: false, reason: 'sql-error' }
    }
  }
  const empties = terms.filter((term) => term.kind === 'empty').length
  const candidates = store.sortedResources().filter((resource) =>
    listed !== undefined
      ? listed.has(resource.ref)
      : query.archive.includes(resource.archive) && (query.restypes.length === 0 || query.restypes.includes(resource.resourceType)))
  // Observed quirk: two `!empty` terms only combine when a keyword term stands beside them.
  const matched = empties >= 2 && empties === terms.length
    ? []
    : candidates.filter((resource) => terms.every((term) => matchesTerm(store, resource, term)))
  if (query.orderBy === 'resourceid' && query.sort.toLowerCase() === 'desc') matched.reverse()
  return { ok: true, resources: matched, special: listed !== undefined || search === '' }
}

/** Tokens of a value as RS indexes it: lower case, split on the separators. */
export function tokenize (value: string): string[] {
  return value.toLowerCase().split(separators).filter((token) => token !== '')
}

function parseList (spec: string): Set<number> {
  // RS takes each colon-separated piece as an integer (PHP intval: leading digits, else dropped).
  const refs = spec.split(':').map((piece) => Number.parseInt(piece, 10)).filter((ref) => Number.isInteger(ref) && ref > 0)
  return new Set(refs)
}

function parseTerm (store: RsStore, word: string, hasSpace: boolean): Term {
  // Without whitespace the whole string is one keyword; a comma inside it cannot match anything.
  if (!hasSpace && word.includes(',')) return { kind: 'nothing' }
  if (word.startsWith('!empty')) return { kind: 'empty', field: word.slice(6) }
  const node = /^@@(\d+)$/.exec(word)
  if (node?.[1] !== undefined) return { kind: 'node', node: Number(node[1]) }
  const colon = word.indexOf(':')
  if (colon > 0) {
    const field = store.field(word.slice(0, colon))
    if (field !== undefined && !/^\d+$/.test(word.slice(0, colon))) {
      const value = keyword(word.slice(colon + 1))
      return value === undefined ? { kind: 'keywords', keywords: [] } : { kind: 'field', field, ...value }
    }
  }
  const keywords = word.split(':').map(keyword).filter((k) => k !== undefined)
  return { kind: 'keywords', keywords }
}

function keyword (text: string): { tokens: string[], prefix: boolean } | undefined {
  const prefix = text.endsWith('*')
  const tokens = tokenize(text.replace(/\*+$/, ''))
  if (tokens.length === 0 || tokens.every((token) => stopWords.has(token))) return undefined
  return { tokens, prefix }
}

function matchesTerm (store: RsStore, resource: RsResource, term: Term): boolean {
  switch (term.kind) {
    case 'nothing':
      return false
    case 'empty': {
      if (!/^\d+$/.test(term.field)) return true
      const field = store.fields.get(Number(term.field))
      return field !== undefined && store.appliesTo(field, resource.resourceType) && store.isEmpty(resource, field)
    }
    case 'node':
      return [...resource.nodes.values()].some((nodes) => nodes.includes(term.node))
    case 'field':
      return store.appliesTo(term.field, resource.resourceType) && runMatches(tokenize(store.value(resource, term.field)), term)
    case 'keywords':
      return term.keywords.every((k) => [...store.fields.values()].some((field) =>
        store.appliesTo(field, resource.resourceType) && runMatches(tokenize(store.value(resource, field)), k)))
  }
}

/** True when `wanted.tokens` occur consecutively in `tokens` (the last one as a prefix with `*`). */
function runMatches (tokens: string[], wanted: { tokens: string[], prefix: boolean }): boolean {
  const n = wanted.tokens.length
  for (let start = 0; start + n <= tokens.length; start++) {
    let all = true
    for (let i = 0; i < n && all; i++) {
      const have = tokens[start + i] ?? ''
      const want = wanted.tokens[i] ?? ''
      all = wanted.prefix && i === n - 1 ? have.startsWith(want) : have === want
    }
    if (all) return true
  }
  return false
}
