/**
 * The part of NXQL that CollectionSpace clients send in `as=`, parsed for real so that escaping bugs in
 * a client fail here the way they fail on a real server (an unescaped `'` is a syntax error, a raw line
 * break inside a literal is a lexical error), plus `sortBy`, the workflow filters and paging.
 *
 * Supported: `schema:path` fields (`collectionobjects_common:objectNumber`, repeating groups by index
 * or star such as `collectionobjects_common:titleGroupList/0/title`, `collectionspace_core:updatedAt`,
 * `ecm:currentLifeCycleState`), `=`, `<>`/`!=`, `<`, `<=`, `>`, `>=`,
 * `[NOT] LIKE`, `[NOT] ILIKE`, `[NOT] IN (…)`, `IS [NOT] NULL`, `[NOT] BETWEEN … AND …`, `AND`, `OR`,
 * `NOT`, parentheses; string literals in `'…'` or `"…"` with Nuxeo's backslash escapes; numbers;
 * `TIMESTAMP "…"` and `DATE "…"`.
 *
 * Time zones: CS rewrites only `<space>TIMESTAMP<space>"…"` from UTC to server-local time. Every other
 * timestamp form is read as server-local wall-clock time; the simulated server runs at UTC−8, so a
 * client that uses the wrong form is visibly off by eight hours.
 */
import { badRequest } from './http-error.js'
import { children, isElement, textOf, type XmlValue } from '../../cspace/xml.js'
import type { StoredRecord, TenantStore } from './store.js'

export const serverUtcOffsetMinutes = -8 * 60

type Literal =
  | { kind: 'string', value: string }
  | { kind: 'number', value: number }
  | { kind: 'time', value: number }

type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>='

export type NxqlExpr =
  | { type: 'and' | 'or', left: NxqlExpr, right: NxqlExpr }
  | { type: 'not', expr: NxqlExpr }
  | { type: 'compare', field: string, op: CompareOp, value: Literal }
  | { type: 'like', field: string, pattern: RegExp, negated: boolean }
  | { type: 'in', field: string, values: Literal[], negated: boolean }
  | { type: 'null', field: string, negated: boolean }
  | { type: 'between', field: string, low: Literal, high: Literal, negated: boolean }

type Token =
  | { t: 'word', v: string, at: number, spaced: boolean }
  | { t: 'string', v: string, quote: '"' | "'", at: number, spaced: boolean }
  | { t: 'number', v: number, at: number, spaced: boolean }
  | { t: 'op', v: string, at: number, spaced: boolean }

const identifier = /^[A-Za-z_][\w:.-]*(?:\/(?:\*\d*|\d+|[A-Za-z_][\w:.-]*))*/
const numberLiteral = /^\d+(?:\.\d*)?(?:[eE][+-]?\d+)?/
const operators = ['<>', '!=', '<=', '>=', '=', '<', '>', '(', ')', ',']

function syntaxError (message: string): Error {
  return badRequest(`Invalid NXQL in the advanced search (as) parameter: ${message}`)
}

/** Splits NXQL into tokens, decoding string literals exactly as Nuxeo's lexer does. */
export function tokenize (text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  let spaced = true // CS puts the expression after " AND (", so the start counts as whitespace
  while (i < text.length) {
    const c = text[i] ?? ''
    if (/\s/.test(c)) { spaced = true; i++; continue }
    const rest = text.slice(i)
    if (c === "'" || c === '"') {
      const { value, end } = readString(text, i)
      tokens.push({ t: 'string', v: value, quote: c, at: i, spaced })
      i = end
    } else if (numberLiteral.test(rest)) {
      const m = numberLiteral.exec(rest)?.[0] ?? ''
      tokens.push({ t: 'number', v: Number(m), at: i, spaced })
      i += m.length
    } else if (identifier.test(rest)) {
      const m = identifier.exec(rest)?.[0] ?? ''
      tokens.push({ t: 'word', v: m, at: i, spaced })
      i += m.length
    } else {
      const op = operators.find((o) => rest.startsWith(o))
      if (op === undefined) throw syntaxError(`illegal character <${c}> at offset ${i}`)
      tokens.push({ t: 'op', v: op, at: i, spaced })
      i += op.length
    }
    spaced = false
  }
  return tokens
}

/** Reads a quoted literal starting at `start`. Escapes: \t \n \r \' \" \\; a raw line break is an error. */
function readString (text: string, start: number): { value: string, end: number } {
  const quote = text[start]
  let value = ''
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]
    if (c === quote) return { value, end: i + 1 }
    if (c === '\n' || c === '\r') throw syntaxError(`line break inside a string literal at offset ${i}`)
    if (c === '\\') {
      const next = text[i + 1]
      const escaped = next === 't' ? '\t' : next === 'n' ? '\n' : next === 'r' ? '\r' : next === quote || next === '\\' ? next : undefined
      if (escaped !== undefined) { value += escaped; i++; continue }
    }
    value += c
  }
  throw syntaxError(`unterminated string literal starting at offset ${start}`)
}

/** Parses an `as=` expression. Throws a 400 error for anything outside the supported subset. */
export function parseNxql (text: string): NxqlExpr {
  const tokens = tokenize(text)
  let pos = 0
  const peek = (): Token | undefined => tokens[pos]
  const isWord = (token: Token | undefined, word: string): boolean => token?.t === 'word' && token.v.toUpperCase() === word
  const isOp = (token: Token | undefined, op: string): boolean => token?.t === 'op' && token.v === op
  const fail = (what: string): never => {
    const token = peek()
    throw syntaxError(token === undefined ? `expected ${what} at the end` : `expected ${what} at offset ${token.at}`)
  }
  const expectOp = (op: string): void => { if (isOp(peek(), op)) pos++; else fail(`'${op}'`) }

  function orExpr (): NxqlExpr {
    let left = andExpr()
    while (isWord(peek(), 'OR')) { pos++; left = { type: 'or', left, right: andExpr() } }
    return left
  }
  function andExpr (): NxqlExpr {
    let left = notExpr()
    while (isWord(peek(), 'AND')) { pos++; left = { type: 'and', left, right: notExpr() } }
    return left
  }
  function notExpr (): NxqlExpr {
    if (isWord(peek(), 'NOT')) { pos++; return { type: 'not', expr: notExpr() } }
    if (isOp(peek(), '(')) { pos++; const inner = orExpr(); expectOp(')'); return inner }
    return predicate()
  }
  function predicate (): NxqlExpr {
    const token = peek()
    if (token?.t !== 'word' || !token.v.includes(':')) return fail('a field (schema:field)')
    const field = (token as { v: string }).v
    pos++
    const next = peek()
    if (next?.t === 'op' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(next.v)) {
      pos++
      return { type: 'compare', field, op: (next.v === '!=' ? '<>' : next.v) as CompareOp, value: literal() }
    }
    if (isWord(next, 'IS')) {
      pos++
      const negated = isWord(peek(), 'NOT')
      if (negated) pos++
      if (!isWord(peek(), 'NULL')) fail('NULL')
      pos++
      return { type: 'null', field, negated }
    }
    const negated = isWord(next, 'NOT')
    if (negated) pos++
    const keyword = peek()
    if (isWord(keyword, 'LIKE') || isWord(keyword, 'ILIKE')) {
      pos++
      const pattern = literal()
      if (pattern.kind !== 'string') fail('a string pattern')
      return { type: 'like', field, pattern: likePattern(String(pattern.value), isWord(keyword, 'ILIKE')), negated }
    }
    if (isWord(keyword, 'IN')) {
      pos++
      expectOp('(')
      const values = [literal()]
      while (isOp(peek(), ',')) { pos++; values.push(literal()) }
      expectOp(')')
      return { type: 'in', field, values, negated }
    }
    if (isWord(keyword, 'BETWEEN')) {
      pos++
      const low = literal()
      if (!isWord(peek(), 'AND')) fail('AND')
      pos++
      return { type: 'between', field, low, high: literal(), negated }
    }
    return fail('an operator')
  }
  function literal (): Literal {
    const token = peek()
    if (token?.t === 'string') { pos++; return { kind: 'string', value: token.v } }
    if (token?.t === 'number') { pos++; return { kind: 'number', value: token.v } }
    if (isWord(token, 'TIMESTAMP') || isWord(token, 'DATE')) {
      pos++
      const value = peek()
      if (value?.t !== 'string') return fail('a quoted date')
      pos++
      // Only ` TIMESTAMP "…"` is converted from UTC by CS; everything else is read as server-local time.
      const utc = isWord(token, 'TIMESTAMP') && (token as { spaced: boolean }).spaced && value.spaced && value.quote === '"'
      return { kind: 'time', value: timeValue(value.v, utc) }
    }
    return fail('a literal')
  }

  const expr = orExpr()
  if (pos < tokens.length) fail('the end of the expression')
  return expr
}

function timeValue (text: string, utc: boolean): number {
  const instant = utc ? Date.parse(text) : Date.parse(`${text.replace(/(Z|[+-]\d\d:?\d\d)$/, '')}${text.includes('T') ? '' : 'T00:00:00'}Z`) - serverUtcOffsetMinutes * 60_000
  if (Number.isNaN(instant)) throw syntaxError(`not a date: ${text}`)
  return instant
}

/** LIKE pattern → RegExp: `%` any run, `_` one character, `\%` `\_` `\\` literal. */
function likePattern (pattern: string, caseInsensitive: boolean): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? ''
    if (c === '\\' && i + 1 < pattern.length) { source += escapeRegExp(pattern[++i] ?? ''); continue }
    source += c === '%' ? '.*' : c === '_' ? '.' : escapeRegExp(c)
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's')
}

function escapeRegExp (text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Whether a record satisfies `expr`; `valuesOf` gives a field's non-empty values (repeating fields: any). */
export function matches (expr: NxqlExpr, valuesOf: (field: string) => string[]): boolean {
  switch (expr.type) {
    case 'and': return matches(expr.left, valuesOf) && matches(expr.right, valuesOf)
    case 'or': return matches(expr.left, valuesOf) || matches(expr.right, valuesOf)
    case 'not': return !matches(expr.expr, valuesOf)
    case 'null': return (valuesOf(expr.field).length === 0) !== expr.negated
    case 'like': return valuesOf(expr.field).some((v) => expr.pattern.test(v)) !== expr.negated
    case 'in': return valuesOf(expr.field).some((v) => expr.values.some((lit) => compare(v, lit) === 0)) !== expr.negated
    case 'between': return valuesOf(expr.field).some((v) => compare(v, expr.low) >= 0 && compare(v, expr.high) <= 0) !== expr.negated
    case 'compare': {
      const values = valuesOf(expr.field)
      if (expr.op === '<>') return values.length > 0 && values.every((v) => compare(v, expr.value) !== 0)
      return values.some((v) => test(compare(v, expr.value), expr.op))
    }
  }
}

function test (order: number, op: CompareOp): boolean {
  switch (op) {
    case '=': return order === 0
    case '<>': return order !== 0
    case '<': return order < 0
    case '<=': return order <= 0
    case '>': return order > 0
    case '>=': return order >= 0
  }
}

/** Orders a stored value against a literal of the literal's type; NaN (unparseable) never matches. */
function compare (value: string, literal: Literal): number {
  if (literal.kind === 'string') return value === literal.value ? 0 : value < literal.value ? -1 : 1
  const n = literal.kind === 'time' ? Date.parse(value) : Number(value)
  if (Number.isNaN(n)) return Number.NaN
  return Math.sign(n - literal.value)
}

/** The non-empty values of an NXQL field of a record. */
export function fieldValues (tenant: TenantStore, record: StoredRecord, field: string): string[] {
  const [schema = '', path = ''] = splitField(field)
  if (schema === 'ecm') {
    if (path === 'currentLifeCycleState') return [record.workflowState]
    if (path === 'uuid' || path === 'name') return [record.csid]
    return []
  }
  if (schema === 'collectionspace_core') {
    // Only the field asked for: every search sorts every record by updatedAt, and a refName is costly.
    const value = coreField(tenant, record, path)
    return value === undefined ? [] : [value]
  }
  const part = record.parts[schema]
  if (part === undefined) return []
  // Every search scans every record, so the values are kept per part. A part is never changed in place
  // (an update stores a new object: store.ts), so a kept value is never stale.
  let kept = valuesByPart.get(part)
  if (kept === undefined) valuesByPart.set(part, kept = new Map())
  let values = kept.get(path)
  if (values === undefined) kept.set(path, values = Object.freeze(valuesAt(part, path)) as string[])
  return values
}

const valuesByPart = new WeakMap<object, Map<string, string[]>>()

function coreField (tenant: TenantStore, record: StoredRecord, path: string): string | undefined {
  switch (path) {
    case 'createdAt': return record.createdAt
    case 'createdBy': return record.createdBy
    case 'updatedAt': return record.updatedAt
    case 'updatedBy': return record.updatedBy
    case 'refName': return tenant.refName(record)
    case 'uri': return `/${record.service}/${record.csid}`
    case 'tenantId': return tenant.name
    default: return undefined
  }
}

function valuesAt (part: XmlValue, path: string): string[] {
  let nodes: XmlValue[] = [part]
  for (const segment of path.split('/')) {
    if (segment.startsWith('*') || /^\d+$/.test(segment)) {
      // A list index stands for the list's items, whatever their element name.
      const items = nodes.flatMap((node) => isElement(node) ? Object.values(node).flat() : [])
      const index = segment.startsWith('*') ? undefined : Number(segment)
      nodes = index === undefined ? items : items.slice(index, index + 1)
    } else {
      nodes = nodes.flatMap((node) => children(node, segment))
    }
  }
  return nodes.map(textOf).filter((v): v is string => v !== undefined && v !== '')
}

function splitField (field: string): [string, string] {
  const colon = field.indexOf(':')
  return [field.slice(0, colon), field.slice(colon + 1)]
}

/** `schema:field[/sub…][ ASC|DESC][, …]`; anything else is a 400, as on the real server. */
const sortByPattern = /^\s*[A-Za-z_][\w-]*:[\w/*-]+(?:\s+(?:ASC|DESC))?(?:\s*,\s*[A-Za-z_][\w-]*:[\w/*-]+(?:\s+(?:ASC|DESC))?)*\s*$/i

export interface SortKey { field: string, descending: boolean }

export function parseSortBy (sortBy: string | undefined): SortKey[] {
  if (sortBy === undefined || sortBy.trim() === '') return [{ field: 'collectionspace_core:updatedAt', descending: true }]
  if (!sortByPattern.test(sortBy)) throw badRequest(`Invalid sortBy parameter: ${sortBy}`)
  return sortBy.split(',').map((key) => {
    const [field = '', direction = 'ASC'] = key.trim().split(/\s+/)
    return { field, descending: direction.toUpperCase() === 'DESC' }
  })
}

export interface ListParams {
  as?: string
  wf_deleted?: string
  wf_only_deleted?: string
  pgSz?: string
  pgNum?: string
  sortBy?: string
}

export interface Page {
  items: StoredRecord[]
  pageNum: number
  pageSize: number
  totalItems: number
}

const deletedStates = new Set(['deleted', 'locked_deleted', 'replicated_deleted'])
const pageSizeDefault = 40
const pageSizeMax = 2500

/**
 * Filters, sorts and pages records like a CS list call. Without `wf_deleted=false`, soft-deleted records
 * ARE included (the CS default); `applyWorkflow: false` skips the workflow filter entirely (the
 * related-records path of CS does not apply it).
 */
export function selectPage (tenant: TenantStore, records: StoredRecord[], params: ListParams, applyWorkflow = true): Page {
  const pageSize = pageSizeOf(params.pgSz)
  const pageNum = nonNegative(params.pgNum, 'pgNum') ?? 0
  const where = params.as === undefined || params.as.trim() === '' ? undefined : parseNxql(params.as)
  const sort = parseSortBy(params.sortBy)
  const selected = records.filter((record) => {
    if (applyWorkflow && params.wf_deleted === 'false' && deletedStates.has(record.workflowState)) return false
    if (applyWorkflow && params.wf_only_deleted === 'true' && !deletedStates.has(record.workflowState)) return false
    return where === undefined || matches(where, (field) => fieldValues(tenant, record, field))
  })
  selected.sort((a, b) => {
    for (const key of sort) {
      const x = fieldValues(tenant, a, key.field)[0] ?? ''
      const y = fieldValues(tenant, b, key.field)[0] ?? ''
      if (x !== y) return (x < y ? -1 : 1) * (key.descending ? -1 : 1)
    }
    return a.csid < b.csid ? -1 : a.csid > b.csid ? 1 : 0
  })
  return { items: selected.slice(pageNum * pageSize, (pageNum + 1) * pageSize), pageNum, pageSize, totalItems: selected.length }
}

function pageSizeOf (value: string | undefined): number {
  const size = nonNegative(value, 'pgSz')
  if (size === undefined) return pageSizeDefault
  return size === 0 ? pageSizeMax : Math.min(size, pageSizeMax)
}

function nonNegative (value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined
  if (!/^\d+$/.test(value)) throw badRequest(`Invalid ${name} parameter: ${value}`)
  return Number(value)
}
