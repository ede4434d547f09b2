/**
 * The ResourceSpace API client: signed calls to `{apiUrl}?user=…&function=…&sign=…`, each RS quirk
 * turned into a typed error or a normalised value (spec resourcespace-api.md, Checklist and §1–§5).
 *
 * Retry policy: every read goes through `withRetry` (5xx, timeouts and resets are retried with backoff;
 * 401, `false` and odd answers are not). `update_field` is never retried here: it is idempotent in
 * effect (writing the same value twice answers `true`), but a write whose answer was lost may already
 * have happened, and only the caller knows whether repeating it is right (e.g. after re-reading the
 * field). Callers that want it wrap `updateField` in `withRetry` themselves.
 *
 * Field ids: RS accepts a field as numeric ref or shortname in `update_field`, but `!empty<ref>` and
 * `get_field_options` need the numeric ref; `resolveFieldRef` maps names once per client lifetime.
 */
import type { Dispatcher } from 'undici'
import { SpacelinkError, upstreamBadAnswer, upstreamNotFound, upstreamStatus } from '../errors.js'
import { defaultRetryPolicy, requestStream, requestText, withRetry, type RetryPolicy, type TextResponse } from './http.js'
import { buildRsQuery, encodeRsComponent, signRsQuery, type RsParam } from './rs-signing.js'

export interface ResourceSpaceClientOptions {
  /** The API endpoint, e.g. `https://dam.example.org/api/` (a missing trailing slash is added). */
  apiUrl: string
  user: string
  /** The user's private API key (never logged, never sent: only its hash with each query is). */
  key: string
  dispatcher: Dispatcher
  retry?: RetryPolicy
  /** Rows per `do_search` page (default 500). */
  pageSize?: number
}

export interface SearchOptions {
  /** Resource types to search; default all. */
  restypes?: number[]
  /** Workflow states to search; default `[0]` (active). RS hides -2/-1 (pending) and 2/3 otherwise. */
  archive?: number[]
}

export interface PreviewOptions extends SearchOptions {
  /** Preview size codes to ask URLs for (`thm`, `pre`, `scr`, …); only existing files come back. */
  sizes: string[]
  /** Extension of the preview files (default `jpg`). */
  previewExtension?: string
}

/** One `do_search` row. RS sends ids as ints or numeric strings depending on the query path. */
export interface SearchRow {
  ref: number
  resourceType: number
  archive: number
  hasImage: boolean
  fileExtension?: string
  previewExtension?: string
  modified?: string
  /**
   * `field<N>` columns (title 8, date 12, …) as RS copies them into the resource table: **truncated**
   * (about 200 characters). Read real values with `getResourceFieldData`.
   */
  columns: Record<number, string>
  /** The row as RS sent it. */
  raw: Record<string, unknown>
}

export interface PreviewRow extends SearchRow {
  /** `url_<size>` for each requested size whose file exists, keyed by size code. */
  previewUrls: Record<string, string>
}

export interface ResourceData {
  ref: number
  resourceType: number
  archive: number
  /** Extension of the original file; `''` when the resource has no file. */
  fileExtension: string
  previewExtension?: string
  hasImage: boolean
  noFile: boolean
  fileSize?: number
  modified?: string
  columns: Record<number, string>
  raw: Record<string, unknown>
}

/** One entry of `get_resource_field_data`; `value` is `''` when the field is unset. */
export interface FieldValue {
  ref: number
  name: string
  title: string
  /** RS field type: 0 text, 1 multi-line, 2 checkbox list, 3 dropdown, 4 date, 7 tree, 9 dynamic keywords, 12 radio, … */
  type: number
  value: string
}

/** A field definition as `get_resource_type_fields` (or a field-data answer) describes it. */
export interface FieldDefinition {
  ref: number
  name: string
  title: string
  type: number
}

export interface ImageSize {
  /** `original` for the original file, else the preview size code (`scr`, `pre`, `thm`, …). */
  sizeCode: string
  extension: string
  url: string
  width?: number
  height?: number
  /** RS's display text (`66&nbsp;KB`): not a byte count, never compute with it. */
  filesizeText?: string
}

/** Field types whose values must be existing options. RS silently *empties* these fields when given an
 * unknown option (spec §2.5). Type 9 (dynamic keywords) is left out on purpose: RS creates new options
 * there, which is what a mapping into a keyword field wants. */
const fixedOptionTypes = new Set([2, 3, 7, 12])
/** Option types that hold one value only; RS answers `false` for two. */
const singleOptionTypes = new Set([3, 12])

/** Longest signed query sent as GET; longer ones (big field values) go as a POST form (spec §1.4). */
const maxGetQueryLength = 4000
/** Parallel `get_data_by_field` calls when re-checking search candidates. */
const recheckConcurrency = 8

export class ResourceSpaceClient {
  private readonly apiUrl: URL
  private readonly user: string
  private readonly key: string
  private readonly dispatcher: Dispatcher
  private readonly retry: RetryPolicy
  private readonly pageSize: number
  private readonly byRef = new Map<number, FieldDefinition>()
  private readonly byName = new Map<string, FieldDefinition[]>()
  private typeFieldsLoad: Promise<void> | undefined
  private readonly options = new Map<number, Promise<string[]>>()

  constructor (opts: ResourceSpaceClientOptions) {
    this.apiUrl = normaliseApiUrl(opts.apiUrl)
    this.user = opts.user
    this.key = opts.key
    this.dispatcher = opts.dispatcher
    this.retry = opts.retry ?? defaultRetryPolicy
    this.pageSize = opts.pageSize ?? 500
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) throw new TypeError('pageSize must be a positive integer')
  }

  /** Health ping: `get_system_status&basic=1` (a database check; the full report says FAIL on fresh installs). */
  async getSystemStatus (): Promise<{ status: string }> {
    const answer = await this.read('get_system_status', [['basic', 1]])
    if (isRecord(answer) && typeof answer.status === 'string') return { status: answer.status }
    throw unexpected('get_system_status', answer)
  }

  /**
   * Every row of a search, paged with `fetchrows=offset,rows` until a short page (RS's `total` is a
   * cached count and may be stale, so it is never used). Rows are in ascending ref order.
   */
  async search (search: string, opts: SearchOptions = {}): Promise<SearchRow[]> {
    const rows = new Map<number, SearchRow>()
    for await (const page of this.searchPages(search, opts)) {
      for (const row of page) rows.set(row.ref, row)
    }
    return [...rows.values()]
  }

  /**
   * The pages of a search, one `do_search` call each. Offset paging skips rows when the result set
   * shrinks between pages (e.g. a `!empty<synced>` search while setting `synced`): a caller that
   * changes what it searches for must collect everything with `search()` first.
   */
  async * searchPages (search: string, opts: SearchOptions = {}): AsyncGenerator<SearchRow[]> {
    for await (const rows of this.pages('do_search', searchParams(search, opts), [])) {
      yield rows.map((row) => toSearchRow(row, 'do_search'))
    }
  }

  /** `search_get_previews` (structured paging, never an integer `fetchrows`: RS pads those with `0`s). */
  async searchGetPreviews (search: string, opts: PreviewOptions): Promise<PreviewRow[]> {
    const extra: RsParam[] = [['getsizes', opts.sizes.join(',')], ['previewext', opts.previewExtension ?? 'jpg']]
    const rows: PreviewRow[] = []
    for await (const page of this.pages('search_get_previews', searchParams(search, opts), extra)) {
      for (const raw of page) rows.push({ ...toSearchRow(raw, 'search_get_previews'), previewUrls: previewUrls(raw) })
    }
    return rows
  }

  /**
   * Resources whose field holds exactly `value`. RS's `field:value` search matches runs of tokens
   * (`2024.1.2` also finds `2024.1.2.5`; quotes do not help), so every candidate is re-read and
   * compared (trimmed, case-sensitive).
   */
  async findByAccessionNumber (field: number | string, value: string, opts: SearchOptions = {}): Promise<SearchRow[]> {
    const wanted = value.trim()
    if (wanted === '') return []
    const definition = await this.fieldDefinition(field)
    // A comma without whitespace would make the whole search one unmatchable keyword (spec §3); as
    // separate terms the candidates still include every exact match.
    const candidates = await this.search(`${definition.name}:${wanted.replace(/,/g, ' ')}`, opts)
    const exact = await mapLimit(candidates, recheckConcurrency, async (row) => {
      const stored = await this.getDataByField(row.ref, definition.ref)
      return stored.trim() === wanted
    })
    return candidates.filter((_, i) => exact[i])
  }

  /** The resource row; `RESOURCE_NOT_FOUND` when RS answers `false` (missing, or no access). */
  async getResourceData (ref: number): Promise<ResourceData> {
    const answer = await this.read('get_resource_data', [['resource', ref]])
    if (answer === false) throw upstreamNotFound('resourcespace', 'get_resource_data', `resource ${ref}`)
    if (!isRecord(answer)) throw unexpected('get_resource_data', answer)
    return toResourceData(answer)
  }

  /**
   * Every field that applies to the resource, set or not (`value: ''` when unset). Caution: for a
   * resource that does not exist RS answers the *global* fields with empty values instead of an
   * error, so callers that need to know check existence with `getResourceData` (or use
   * `getResourceFields`, which does both).
   */
  async getResourceFieldData (ref: number): Promise<FieldValue[]> {
    const answer = await this.read('get_resource_field_data', [['resource', ref]])
    if (answer === false) throw upstreamBadAnswer('resourcespace', 'get_resource_field_data', `false for resource ${ref} (its resource type is hidden from the API user)`)
    if (!Array.isArray(answer)) throw unexpected('get_resource_field_data', answer)
    const fields = answer.filter(isRecord).map(toFieldValue)
    for (const field of fields) this.learn(field)
    return fields
  }

  /** The resource and its field values, both calls in parallel; `RESOURCE_NOT_FOUND` if it does not exist. */
  async getResourceFields (ref: number): Promise<{ resource: ResourceData, fields: FieldValue[] }> {
    const [resource, fields] = await Promise.all([this.getResourceData(ref), this.getResourceFieldData(ref)])
    return { resource, fields }
  }

  /** One field value as a string (`get_data_by_field`); `RESOURCE_NOT_FOUND` for a missing resource. */
  async getDataByField (ref: number, field: number | string): Promise<string> {
    const answer = await this.read('get_data_by_field', [['ref', ref], ['field', field]])
    if (answer === false) throw upstreamNotFound('resourcespace', 'get_data_by_field', `resource ${ref}`)
    if (answer === null) return ''
    if (typeof answer === 'string' || typeof answer === 'number') return String(answer)
    throw unexpected('get_data_by_field', answer)
  }

  /**
   * Writes one field (never retried, see the file header). An empty value clears the field. For
   * fixed option lists the value is checked against the field's options first and refused with
   * `RS_OPTION_NOT_ALLOWED` (RS would answer `true` and blank the field). RS's `false` becomes
   * `UPSTREAM_BAD_ANSWER`.
   */
  async updateField (ref: number, field: number | string, value: string): Promise<void> {
    const definition = await this.fieldDefinition(field)
    if (fixedOptionTypes.has(definition.type) && value.trim() !== '') await this.assertOptions(definition, value)
    const answer = await this.call('update_field', [['resource', ref], ['field', definition.ref], ['value', value]])
    if (answer === true) return
    if (answer === false) {
      throw upstreamBadAnswer('resourcespace', 'update_field',
        `false for resource ${ref}, field ${describeField(definition)} (unknown resource, field not valid for its resource type, required field left blank, or no edit access)`)
    }
    throw unexpected('update_field', answer)
  }

  /** The option names of a fixed-list field, cached for the client's lifetime. */
  async getFieldOptions (field: number | string): Promise<string[]> {
    const ref = await this.resolveFieldRef(field)
    let options = this.options.get(ref)
    if (options === undefined) {
      options = this.loadOptions(ref)
      this.options.set(ref, options)
      options.catch(() => this.options.delete(ref))
    }
    return await options
  }

  /** The numeric ref of a field given by ref or shortname (looked up once with `get_resource_type_fields`). */
  async resolveFieldRef (nameOrRef: number | string): Promise<number> {
    const numeric = asFieldRef(nameOrRef)
    if (numeric !== undefined) return numeric
    return (await this.fieldDefinition(nameOrRef)).ref
  }

  /** The definition (ref, shortname, type) of a field given by ref or shortname; `RS_UNKNOWN_FIELD` if RS has none. */
  async fieldDefinition (nameOrRef: number | string): Promise<FieldDefinition> {
    const known = this.knownDefinition(nameOrRef)
    if (known !== undefined) return known
    await this.loadTypeFields()
    const loaded = this.knownDefinition(nameOrRef)
    if (loaded !== undefined) return loaded
    throw new SpacelinkError('RS_UNKNOWN_FIELD', 502, 'Unknown ResourceSpace field',
      `ResourceSpace has no metadata field ${JSON.stringify(String(nameOrRef))}`, { field: nameOrRef })
  }

  /**
   * A download URL for one size of a resource (`''` = the original; then pass its file extension).
   * RS returns a URL for any size, existing or not: ask `getResourceAllImageSizes` which exist.
   */
  async getResourcePath (ref: number, size: string, extension = 'jpg'): Promise<string> {
    const answer = await this.read('get_resource_path', [['ref', ref], ['size', size], ['generate', 0], ['extension', extension]])
    if (answer === '' || answer === false) throw upstreamNotFound('resourcespace', 'get_resource_path', `resource ${ref}`)
    if (typeof answer === 'string') return answer
    throw unexpected('get_resource_path', answer)
  }

  /** The sizes whose files exist (original first); `[]` for a resource without a file or not visible. */
  async getResourceAllImageSizes (ref: number): Promise<ImageSize[]> {
    const answer = await this.read('get_resource_all_image_sizes', [['resource', ref]])
    if (!Array.isArray(answer)) throw unexpected('get_resource_all_image_sizes', answer)
    return answer.filter(isRecord).flatMap(toImageSize)
  }

  /**
   * Opens a download (no signature: the URL carries its access key). A redirect (RS sends the login
   * page for a missing, wrong or expired key) becomes an error. The caller must check the content
   * type and length: RS answers a missing size with 200 and a placeholder PNG named `download.jpg`.
   */
  async download (url: string): Promise<Dispatcher.ResponseData> {
    const res = await requestStream(this.dispatcher, { system: 'resourcespace', operation: 'download', url: new URL(url), method: 'GET' })
    if (res.statusCode >= 300) {
      // dump() reads the (empty) redirect body so the connection can be reused; destroy() would emit an error.
      await res.body.dump().catch(() => {})
      const location = String(res.headers.location ?? '')
      throw upstreamStatus('resourcespace', 'download', res.statusCode,
        location.includes('login') ? 'redirected to the login page: the access key is missing, wrong or expired' : location)
    }
    return res
  }

  private async loadOptions (ref: number): Promise<string[]> {
    const answer = await this.read('get_field_options', [['ref', ref]])
    if (!Array.isArray(answer)) throw unexpected('get_field_options', answer)
    return answer.map((option) => isRecord(option) ? String(option.name ?? '') : String(option))
  }

  private async assertOptions (definition: FieldDefinition, value: string): Promise<void> {
    const options = await this.getFieldOptions(definition.ref)
    const names = splitOptionValue(value)
    const refuse = (why: string): SpacelinkError => new SpacelinkError('RS_OPTION_NOT_ALLOWED', 422, 'Value not allowed in ResourceSpace field',
      `${why} of ResourceSpace field ${describeField(definition)} (options: ${options.join(', ')})`,
      { field: definition.ref, value, options })
    if (singleOptionTypes.has(definition.type) && names.length > 1) throw refuse(`${JSON.stringify(value)} holds ${names.length} values; only one is allowed in the single-choice list`)
    const lowered = new Set(options.map((option) => option.toLowerCase()))
    for (const name of names) {
      // Trees (7) accept a full path `A/B` or a leaf name.
      const candidates = definition.type === 7 ? [name, name.split('/').at(-1) ?? name] : [name]
      if (!candidates.some((candidate) => lowered.has(candidate.toLowerCase()))) throw refuse(`${JSON.stringify(name)} is not an option`)
    }
  }

  private knownDefinition (nameOrRef: number | string): FieldDefinition | undefined {
    const numeric = asFieldRef(nameOrRef)
    if (numeric !== undefined) return this.byRef.get(numeric)
    const named = this.byName.get(String(nameOrRef))
    if (named !== undefined && named.length > 1) {
      throw new SpacelinkError('RS_AMBIGUOUS_FIELD', 502, 'Ambiguous ResourceSpace field',
        `ResourceSpace has ${named.length} fields named ${JSON.stringify(nameOrRef)} (refs ${named.map((d) => d.ref).join(', ')}): configure the numeric ref`,
        { field: nameOrRef, refs: named.map((d) => d.ref) })
    }
    return named?.[0]
  }

  /** Loads every field definition once (retried on the next use if it failed). */
  private async loadTypeFields (): Promise<void> {
    this.typeFieldsLoad ??= (async () => {
      const answer = await this.read('get_resource_type_fields', [])
      if (!Array.isArray(answer)) throw unexpected('get_resource_type_fields', answer)
      for (const entry of answer.filter(isRecord)) this.learn(toDefinition(entry, 'get_resource_type_fields'))
    })()
    try {
      await this.typeFieldsLoad
    } catch (err) {
      this.typeFieldsLoad = undefined
      throw err
    }
  }

  private learn (definition: FieldDefinition): void {
    if (!Number.isInteger(definition.ref) || this.byRef.has(definition.ref)) return
    this.byRef.set(definition.ref, { ref: definition.ref, name: definition.name, title: definition.title, type: definition.type })
    if (definition.name === '') return
    const same = this.byName.get(definition.name) ?? []
    same.push(definition)
    this.byName.set(definition.name, same)
  }

  /** Structured paging: `fetchrows=offset,rows` until a short page; yields the raw row objects. */
  private async * pages (fn: string, params: RsParam[], extra: RsParam[]): AsyncGenerator<Array<Record<string, unknown>>> {
    const seen = new Set<number>()
    for (let offset = 0; ; offset += this.pageSize) {
      const answer = await this.read(fn, [...params, ['fetchrows', `${offset},${this.pageSize}`], ['order_by', 'resourceid'], ['sort', 'asc'], ...extra])
      const page = readPage(fn, answer)
      // RS pads some answers with bare `0`s: only objects are rows.
      const rows = page.rows.filter(isRecord)
      const fresh = rows.filter((row) => !seen.has(Number(row.ref)))
      if (rows.length >= this.pageSize && fresh.length === 0) throw upstreamBadAnswer('resourcespace', fn, 'the same rows again for the next page (paging does not advance)')
      for (const row of rows) seen.add(Number(row.ref))
      yield rows
      if (page.complete || page.rows.length < this.pageSize) return
    }
  }

  private async read (fn: string, params: RsParam[]): Promise<unknown> {
    return await withRetry(async () => await this.call(fn, params), this.retry)
  }

  /** One signed call; GET, or a POST form (`user`, `query`, `sign`) when the query is long. */
  private async call (fn: string, params: RsParam[]): Promise<unknown> {
    const query = buildRsQuery(this.user, fn, params)
    const sign = signRsQuery(this.key, query)
    const res = query.length <= maxGetQueryLength
      ? await requestText(this.dispatcher, { system: 'resourcespace', operation: fn, method: 'GET', url: new URL(`${this.apiUrl.href}?${query}&sign=${sign}`) })
      : await requestText(this.dispatcher, {
        system: 'resourcespace',
        operation: fn,
        method: 'POST',
        url: this.apiUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        // RS reads `user` from the form itself, not from inside `query` (without it: 401).
        body: `user=${encodeRsComponent(this.user)}&query=${encodeRsComponent(query)}&sign=${sign}`
      })
    return interpretAnswer(fn, res)
  }
}

/**
 * Turns an RS answer into parsed JSON or a typed error (spec §1.6 "Client rule"). What remains for each
 * function to judge is its own "not found" shape (`false`, `""`, `[]`).
 */
export function interpretAnswer (fn: string, res: TextResponse): unknown {
  const text = res.text.trim()
  if (res.statusCode === 403 && text.includes('Field ID not found')) {
    throw upstreamBadAnswer('resourcespace', fn, 'a "Field ID not found" page (the search names a field ref RS does not have)')
  }
  if (res.statusCode < 200 || res.statusCode >= 300) throw upstreamStatus('resourcespace', fn, res.statusCode, text)
  if (text === '') throw upstreamBadAnswer('resourcespace', fn, 'an empty body (RS does not know this API function)')
  // RS before 10 answered a bad signature with 200 and this text.
  if (text.startsWith('Invalid signature')) throw upstreamStatus('resourcespace', fn, 401, text)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    const what = text.includes('Sorry, an error has occurred') ? 'a PHP error page' : 'a body that is not JSON'
    throw upstreamBadAnswer('resourcespace', fn, `${what}: ${snippet(text)}`)
  }
  if (isRecord(parsed) && parsed.error === true) {
    throw upstreamBadAnswer('resourcespace', fn, `an error object: ${snippet(String(parsed.error_note ?? ''))}`)
  }
  if (isRecord(parsed) && parsed.status === 'fail') {
    const data = isRecord(parsed.data) ? parsed.data : {}
    throw upstreamBadAnswer('resourcespace', fn, `a failure: ${snippet(String(data.message ?? ''))}`)
  }
  return parsed
}

function normaliseApiUrl (apiUrl: string): URL {
  const url = new URL(apiUrl)
  url.search = ''
  url.hash = ''
  if (!url.pathname.endsWith('/') && !url.pathname.endsWith('.php')) url.pathname += '/'
  return url
}

function searchParams (search: string, opts: SearchOptions): RsParam[] {
  const params: RsParam[] = [['search', search]]
  if (opts.restypes !== undefined && opts.restypes.length > 0) params.push(['restypes', opts.restypes.join(',')])
  params.push(['archive', (opts.archive ?? [0]).join(',')])
  return params
}

/** A structured answer `{total, data}`; an RS older than 10.3 answers a plain array with every row. */
function readPage (fn: string, answer: unknown): { rows: unknown[], complete: boolean } {
  if (Array.isArray(answer)) return { rows: answer, complete: true }
  if (isRecord(answer) && Array.isArray(answer.data)) return { rows: answer.data, complete: false }
  throw unexpected(fn, answer)
}

function toSearchRow (raw: Record<string, unknown>, fn: string): SearchRow {
  return {
    ref: requiredInt(raw.ref, fn),
    resourceType: toInt(raw.resource_type) ?? 0,
    archive: toInt(raw.archive) ?? 0,
    hasImage: toInt(raw.has_image) === 1,
    fileExtension: optionalString(raw.file_extension),
    previewExtension: optionalString(raw.preview_extension),
    modified: optionalString(raw.modified),
    columns: fieldColumns(raw),
    raw
  }
}

function toResourceData (raw: Record<string, unknown>): ResourceData {
  return {
    ref: requiredInt(raw.ref, 'get_resource_data'),
    resourceType: toInt(raw.resource_type) ?? 0,
    archive: toInt(raw.archive) ?? 0,
    fileExtension: optionalString(raw.file_extension) ?? '',
    previewExtension: optionalString(raw.preview_extension),
    hasImage: toInt(raw.has_image) === 1,
    noFile: toInt(raw.no_file) === 1,
    fileSize: toInt(raw.file_size),
    modified: optionalString(raw.modified),
    columns: fieldColumns(raw),
    raw
  }
}

function toFieldValue (raw: Record<string, unknown>): FieldValue {
  return { ...toDefinition(raw, 'get_resource_field_data'), value: raw.value == null ? '' : String(raw.value) }
}

function toDefinition (raw: Record<string, unknown>, fn: string): FieldDefinition {
  return {
    ref: requiredInt(raw.ref ?? raw.fref ?? raw.resource_type_field, fn),
    name: raw.name == null ? '' : String(raw.name),
    title: raw.title == null ? '' : String(raw.title),
    type: toInt(raw.type) ?? 0
  }
}

function toImageSize (raw: Record<string, unknown>): ImageSize[] {
  if (typeof raw.url !== 'string' || raw.size_code == null) return []
  return [{
    sizeCode: String(raw.size_code),
    extension: raw.extension == null ? '' : String(raw.extension),
    url: raw.url,
    width: toInt(raw.width),
    height: toInt(raw.height),
    filesizeText: optionalString(raw.filesize)
  }]
}

function previewUrls (raw: Record<string, unknown>): Record<string, string> {
  const urls: Record<string, string> = {}
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith('url_') && typeof value === 'string' && value !== '') urls[key.slice(4)] = value
  }
  return urls
}

function fieldColumns (raw: Record<string, unknown>): Record<number, string> {
  const columns: Record<number, string> = {}
  for (const [key, value] of Object.entries(raw)) {
    const match = /^field(\d+)$/.exec(key)
    if (match?.[1] !== undefined && value != null) columns[Number(match[1])] = String(value)
  }
  return columns
}

/**
 * Option names from an option-list value as RS parses it (`str_getcsv`): comma-separated, a name with a
 * comma in double quotes.
 */
export function splitOptionValue (value: string): string[] {
  const names: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < value.length; i++) {
    const c = value[i]
    if (c === '"') {
      if (quoted && value[i + 1] === '"') {
        current += '"'
        i++
      } else {
        quoted = !quoted
      }
    } else if (c === ',' && !quoted) {
      names.push(current)
      current = ''
    } else {
      current += c
    }
  }
  names.push(current)
  return names.map((name) => name.trim()).filter((name) => name !== '')
}

function asFieldRef (nameOrRef: number | string): number | undefined {
  if (typeof nameOrRef === 'number') return Number.isInteger(nameOrRef) && nameOrRef > 0 ? nameOrRef : undefined
  return /^\d+$/.test(nameOrRef.trim()) ? Number(nameOrRef.trim()) : undefined
}

function describeField (definition: FieldDefinition): string {
  return definition.name === '' ? String(definition.ref) : `${definition.name} (${definition.ref})`
}

function toInt (value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim())
  return undefined
}

/** The `ref` of a row, which everything else hangs on: a row without one is a broken answer. */
function requiredInt (value: unknown, fn: string): number {
  const int = toInt(value)
  if (int === undefined) throw upstreamBadAnswer('resourcespace', fn, 'a row without a numeric ref')
  return int
}

function optionalString (value: unknown): string | undefined {
  return value == null ? undefined : String(value)
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function unexpected (fn: string, answer: unknown): Error {
  return upstreamBadAnswer('resourcespace', fn, `an unexpected answer: ${snippet(JSON.stringify(answer) ?? String(answer))}`)
}

function snippet (text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the input order. */
async function mapLimit<T, R> (items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  async function worker (): Promise<void> {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
