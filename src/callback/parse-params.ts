/**
 * Callback parameters from any caller: query string, urlencoded form, JSON body, or the api_webhooks
 * call, whose body is the bare resource ref (`42`) under a form content type — a naive form parser would
 * turn it into a key named `42`. Everything is validated here, before any upstream call: a positive
 * integer rsid below 2^31, a known query_type, and nothing unexpected.
 */
import { SpacelinkError } from '../errors.js'
import { queryTypes, type QueryType } from '../vocabulary.js'

export interface CallbackParams {
  rsid: number
  queryType: QueryType
  instance?: string
  dryRun: boolean
  force: boolean
  size?: string
  transaction?: string
  /** `reply=rs`: answer like the api_webhooks caller. */
  replyRs: boolean
  /** Credentials given as parameters (the api_webhooks URL cannot carry headers). */
  key?: string
  hash?: string
  /** The body was the bare ref: the caller is RS's api_webhooks plugin. */
  bareRef: boolean
}

type Raw = Record<string, string>

// `_csrf`: the form token of spacelink's own pages, checked by the route before the parameters are read.
const known = new Set(['rsid', 'query_type', 'instance', 'dry_run', 'force', 'size', 'transaction', 'reply', 'key', 'hash', '_csrf'])

export function invalid (detail: string, pointer?: string): SpacelinkError {
  return new SpacelinkError('INVALID_INPUT', 400, 'Invalid input', detail, pointer === undefined ? {} : { errors: [{ pointer, detail }] })
}

/** Flattens one source of parameters, refusing repeated names and non-string values. */
function flatten (source: unknown, where: string): Raw {
  const out: Raw = {}
  if (source === undefined || source === null || source === '') return out
  if (typeof source !== 'object' || Array.isArray(source)) throw invalid(`the ${where} must be an object of parameters`)
  for (const [name, value] of Object.entries(source)) {
    if (Array.isArray(value)) throw invalid(`parameter '${name}' is given more than once`, `/${name}`)
    if (typeof value === 'number' || typeof value === 'boolean') out[name] = String(value)
    else if (typeof value === 'string') out[name] = value
    else throw invalid(`parameter '${name}' must be a string, number or boolean`, `/${name}`)
  }
  return out
}

/** A urlencoded body: either the bare ref (api_webhooks) or ordinary `name=value` pairs. */
export function parseFormBody (text: string): { fields: Raw, bareRef?: string } {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) return { fields: {}, bareRef: trimmed }
  const fields: Raw = {}
  for (const [name, value] of new URLSearchParams(text)) {
    if (name in fields) throw invalid(`parameter '${name}' is given more than once`, `/${name}`)
    fields[name] = value
  }
  return { fields }
}

/** RS's own preview sizes and the original; a configuration may name others (RS allows custom sizes). */
export const rsSizeCodes: readonly string[] = ['original', 'thm', 'col', 'pre', 'scr', 'lpr', 'hpr']

/**
 * `sizes`: the derivative sizes a caller may ask for (RS's and the configured ones). A size RS does not
 * have is bad input, refused here, before any upstream call or RS write.
 */
export function parseCallbackParams (query: unknown, body: unknown, sizes: readonly string[] = rsSizeCodes): CallbackParams {
  const fromQuery = flatten(query, 'query string')
  let fromBody: Raw = {}
  let bareRef: string | undefined
  if (typeof body === 'string') {
    const form = parseFormBody(body)
    fromBody = form.fields
    bareRef = form.bareRef
  } else {
    fromBody = flatten(body, 'body')
  }
  const merged: Raw = { ...fromQuery }
  for (const [name, value] of Object.entries(fromBody)) {
    if (name in merged && merged[name] !== value) throw invalid(`parameter '${name}' differs between the query string and the body`, `/${name}`)
    merged[name] = value
  }
  for (const name of Object.keys(merged)) {
    if (!known.has(name)) throw invalid(`unknown parameter '${name.slice(0, 40)}'`, `/${name.slice(0, 40)}`)
  }
  if (bareRef !== undefined) {
    if (merged.rsid !== undefined && merged.rsid !== '' && merged.rsid !== bareRef) throw invalid('the rsid in the URL differs from the resource ref in the body', '/rsid')
    merged.rsid = bareRef
  }
  const params: CallbackParams = {
    rsid: parseRsid(merged.rsid),
    queryType: parseQueryType(merged.query_type),
    dryRun: parseFlag(merged.dry_run, 'dry_run'),
    force: parseFlag(merged.force, 'force'),
    replyRs: merged.reply === 'rs',
    bareRef: bareRef !== undefined
  }
  if (merged.reply !== undefined && merged.reply !== 'rs') throw invalid("reply must be 'rs'", '/reply')
  if (merged.instance !== undefined) params.instance = match(merged.instance, /^[a-z][a-z0-9_-]{0,62}$/, 'instance', 'an instance name')
  if (merged.size !== undefined) {
    if (!sizes.includes(merged.size)) throw invalid(`size must be one of ${sizes.join(', ')}`, '/size')
    params.size = merged.size
  }
  if (merged.transaction !== undefined) params.transaction = match(merged.transaction, /^[A-Za-z0-9-]{1,64}$/, 'transaction', 'a transaction id')
  if (merged.key !== undefined) params.key = merged.key
  if (merged.hash !== undefined) params.hash = match(merged.hash, /^[0-9a-fA-F]{64}$/, 'hash', 'a hex HMAC-SHA256')
  return params
}

export function parseRsid (value: string | undefined): number {
  if (value === undefined || value === '') throw invalid('rsid is required: the ResourceSpace resource ref', '/rsid')
  if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) >= 2 ** 31) throw invalid('rsid must be a positive integer below 2^31', '/rsid')
  return Number(value)
}

function parseQueryType (value: string | undefined): QueryType {
  if (value === undefined || value === '') throw invalid(`query_type is required: one of ${queryTypes.join(', ')}`, '/query_type')
  if (!(queryTypes as readonly string[]).includes(value)) throw invalid(`query_type must be one of ${queryTypes.join(', ')}`, '/query_type')
  return value as QueryType
}

function parseFlag (value: string | undefined, name: string): boolean {
  if (value === undefined || value === 'false' || value === '0') return false
  if (value === 'true' || value === '1' || value === 'on' || value === '') return true
  throw invalid(`${name} must be true or false`, `/${name}`)
}

function match (value: string, pattern: RegExp, name: string, what: string): string {
  if (!pattern.test(value)) throw invalid(`${name} must be ${what}`, `/${name}`)
  return value
}
