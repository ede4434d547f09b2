/**
 * The ResourceSpace API client: signed calls to `{apiUrl}?user=…&function=…&sign=…`, each RS quirk
 * turned into a typed error or a normalised value (docs/resourcespace-api.md).
 *
 * It works as a least-privilege RS user (no `a` system-setup permission): field definitions are learned
 * from `get_resource_field_data` answers — of the resource being worked on, or of one resource of each
 * type when a field is needed before any resource is read — never from the admin-only
 * `get_resource_type_fields`.
 *
 * Retry policy: every call is retried on 5xx, timeouts and resets (`withRetry`), writes included:
 * `update_field` sets a value, so repeating it after a lost answer leaves the same value; 401, `false`
 * and odd answers are not retried.
 */
import type { Dispatcher } from 'undici'
import { SpacelinkError, upstreamBadAnswer, upstreamNotFound, upstreamStatus } from '../errors.js'
import type { AdaptiveLimit } from '../util/adaptive-limit.js'
import { mapLimit } from '../util/concurrency.js'
import { isRecord } from '../util/records.js'
import { encodeQueryComponent } from '../util/url.js'
import { defaultRetryPolicy, requestStream, requestText, withRetry, type RetryPolicy } from './http.js'
import {
  interpretAnswer,
  readPage,
  toFieldValue,
  toImageSize,
  toResourceData,
  toInt,
  toSearchRow,
  unexpected,
  type FieldValue,
  type ImageSize,
  type ResourceData,
  type SearchRow
} from './rs-answers.js'
import { FieldCatalog, asFieldRef, describeField, fixedOptionTypes, refusalOf, type FieldDefinition } from './rs-fields.js'
import { buildRsQuery, signRsQuery, type RsParam } from './rs-signing.js'

export type { FieldValue, ImageSize, ResourceData, SearchRow } from './rs-answers.js'
export type { FieldDefinition } from './rs-fields.js'

export interface ResourceSpaceClientOptions {
  /** The API endpoint, e.g. `https://dam.example.org/api/` (a missing trailing slash is added). */
  apiUrl: string
  user: string
  /** The user's private API key (never logged, never sent: only its hash with each query is). */
  key: string
  dispatcher: Dispatcher
  retry?: RetryPolicy
  /** RS's adaptive concurrency limit (src/clients/upstreams.ts); none: unlimited beyond the pool. */
  limit?: AdaptiveLimit
  /** Rows per `do_search` page (default 500). */
  pageSize?: number
}

export interface SearchOptions {
  /** Resource types to search; default all. */
  restypes?: number[]
  /** Workflow states to search; default `[0]` (active). RS hides -2/-1 (pending) and 2/3 otherwise. */
  archive?: number[]
}

/** Longest signed query sent as GET; longer ones (big field values) go as a POST form. */
const maxGetQueryLength = 4000
/** Parallel `get_data_by_field` calls when re-checking search candidates. */
const recheckConcurrency = 8

export class ResourceSpaceClient {
  readonly user: string
  private readonly apiUrl: URL
  private readonly key: string
  private readonly dispatcher: Dispatcher
  readonly limit: AdaptiveLimit | undefined
  private readonly retry: RetryPolicy
  private readonly pageSize: number
  private readonly catalog = new FieldCatalog()
  private readonly options = new Map<number, Promise<string[]>>()
  private typeNames: Promise<Map<number, string>> | undefined
  /** Resource-type sets whose fields were learned from a sample of every type (not asked again). */
  private readonly learnedTypes = new Set<string>()

  constructor (opts: ResourceSpaceClientOptions) {
    this.apiUrl = normaliseApiUrl(opts.apiUrl)
    this.user = opts.user
    this.key = opts.key
    this.dispatcher = opts.dispatcher
    this.limit = opts.limit
    this.retry = opts.retry ?? defaultRetryPolicy
    this.pageSize = opts.pageSize ?? 500
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) throw new TypeError('pageSize must be a positive integer')
  }

  /** Health ping: `get_system_status&basic=1` (a database check; the full report says FAIL on fresh installs). */
  async getSystemStatus (): Promise<{ status: string }> {
    const answer = await this.call('get_system_status', [['basic', 1]])
    if (isRecord(answer) && typeof answer.status === 'string') return { status: answer.status }
    throw unexpected('get_system_status', answer)
  }

  /** Whether the user holds an RS permission letter (`checkperm`; e.g. `a`, `e0`, `F89`). */
  async hasPermission (permission: string): Promise<boolean> {
    const answer = await this.call('checkperm', [['perm', permission]])
    if (typeof answer === 'boolean') return answer
    throw unexpected('checkperm', answer)
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
   * changes what it searches for must collect everything first.
   */
  async * searchPages (search: string, opts: SearchOptions = {}): AsyncGenerator<SearchRow[]> {
    const seen = new Set<number>()
    for (let offset = 0; ; offset += this.pageSize) {
      const answer = await this.call(
        'do_search',
        [...searchParams(search, opts), ['fetchrows', `${offset},${this.pageSize}`], ['order_by', 'resourceid'], ['sort', 'asc']]
      )
      const page = readPage('do_search', answer)
      const rows = page.rows.filter(isRecord).map((row) => toSearchRow(row, 'do_search'))
      const fresh = rows.filter((row) => !seen.has(row.ref))
      if (rows.length >= this.pageSize && fresh.length === 0) {
        throw upstreamBadAnswer(
          'resourcespace',
          'do_search',
          'the same rows again for the next page (paging does not advance)'
        )
      }
      for (const row of rows) seen.add(row.ref)
      yield rows
      if (page.complete || page.rows.length < this.pageSize) return
    }
  }

  /** The rows of these resources (`!list`), a bounded number of refs per search so URLs stay short. */
  async listResources (refs: readonly number[], opts: SearchOptions = {}): Promise<SearchRow[]> {
    const rows: SearchRow[] = []
    for (let i = 0; i < refs.length; i += 200) rows.push(...await this.search(`!list${refs.slice(i, i + 200).join(':')}`, opts))
    return rows
  }

  /** The first active resource of a type (one `do_search` row), to learn what its fields look like. */
  async sampleResource (resourceType: number): Promise<number | undefined> {
    const answer = await this.call(
      'do_search',
      [...searchParams('', { restypes: [resourceType] }), ['fetchrows', '0,1'], ['order_by', 'resourceid'], ['sort', 'asc']]
    )
    const first = readPage('do_search', answer).rows.find(isRecord)
    return first === undefined ? undefined : toSearchRow(first, 'do_search').ref
  }

  /**
   * Resources whose field holds exactly `value`. RS's `field:value` search matches runs of tokens
   * (`2024.1.2` also finds `2024.1.2.5`; quotes do not help), so every candidate is re-read and
   * compared (trimmed, case-sensitive).
   */
  async findByExactValue (field: number | string, value: string, opts: SearchOptions = {}): Promise<SearchRow[]> {
    const wanted = value.trim()
    if (wanted === '') return []
    const definition = await this.fieldDefinition(field, opts.restypes ?? [])
    // A comma without whitespace would make the whole search one unmatchable keyword; as separate terms
    // the candidates still include every exact match.
    const candidates = await this.search(`${definition.name}:${wanted.replace(/,/g, ' ')}`, opts)
    const exact = await mapLimit(candidates, recheckConcurrency, async (row) => (await this.getDataByField(row.ref, definition.ref)).trim() === wanted)
    return candidates.filter((_, i) => exact[i])
  }

  /** The resource row; `RESOURCE_NOT_FOUND` when RS answers `false` (missing, or no access). */
  async getResourceData (ref: number): Promise<ResourceData> {
    const answer = await this.call('get_resource_data', [['resource', ref]])
    if (answer === false) throw upstreamNotFound('resourcespace', 'get_resource_data', `resource ${ref}`)
    if (!isRecord(answer)) throw unexpected('get_resource_data', answer)
    return toResourceData(answer)
  }

  /**
   * Every field that applies to the resource and that the user may see, set or not (`value: ''` when
   * unset). Caution: for a resource that does not exist RS answers the *global* fields with empty values
   * instead of an error; `getResourceFields` checks existence too.
   */
  async getResourceFieldData (ref: number): Promise<FieldValue[]> {
    const answer = await this.call('get_resource_field_data', [['resource', ref]])
    if (answer === false) {
      throw upstreamBadAnswer(
        'resourcespace',
        'get_resource_field_data',
      `false for resource ${ref} (its resource type is hidden from the API user)`
      )
    }
    if (!Array.isArray(answer)) throw unexpected('get_resource_field_data', answer)
    const fields = answer.filter(isRecord).map(toFieldValue)
    for (const field of fields) this.catalog.learn(field)
    return fields
  }

  /** The resource and its field values, both calls in parallel; `RESOURCE_NOT_FOUND` if it does not exist. */
  async getResourceFields (ref: number): Promise<{ resource: ResourceData, fields: FieldValue[] }> {
    const [resource, fields] = await Promise.all([this.getResourceData(ref), this.getResourceFieldData(ref)])
    return { resource, fields }
  }

  /** One field value as a string (`get_data_by_field`); `RESOURCE_NOT_FOUND` for a missing resource. */
  async getDataByField (ref: number, field: number | string): Promise<string> {
    const answer = await this.call('get_data_by_field', [['ref', ref], ['field', field]])
    if (answer === false) throw upstreamNotFound('resourcespace', 'get_data_by_field', `resource ${ref}`)
    if (answer === null) return ''
    if (typeof answer === 'string' || typeof answer === 'number') return String(answer)
    throw unexpected('get_data_by_field', answer)
  }

  /** Why RS would not keep `value` in this field (see rs-fields.ts), or `undefined` when it would. */
  async refusal (field: FieldDefinition, value: string): Promise<string | undefined> {
    const options = fixedOptionTypes.has(field.type) && value.trim() !== '' ? await this.getFieldOptions(field.ref) : []
    return refusalOf(field, value, options)
  }

  /**
   * Writes one field of a resource. An empty value clears the field. A value RS would not keep (an
   * unknown option, which RS answers `true` to while emptying the field; a date its edit form would
   * erase) is refused with `RS_VALUE_REFUSED` before anything is sent; RS's `false` becomes
   * `UPSTREAM_BAD_ANSWER`.
   */
  async updateField (ref: number, field: number | string | FieldDefinition, value: string): Promise<void> {
    const definition = typeof field === 'object' ? field : await this.fieldOfResource(ref, field)
    const refused = await this.refusal(definition, value)
    if (refused !== undefined) {
      throw new SpacelinkError(
        'RS_VALUE_REFUSED',
        422,
        'Value not kept by ResourceSpace',
        `${describeField(definition)}: ${refused}`,
        { field: definition.ref, value }
      )
    }
    const answer = await this.call('update_field', [['resource', ref], ['field', definition.ref], ['value', value]])
    if (answer === true) return
    if (answer === false) {
      throw upstreamBadAnswer('resourcespace', 'update_field',
        `false for resource ${ref}, field ${describeField(definition)} (unknown resource, field not valid for its resource type, required field left blank, resource locked, or no edit access)`)
    }
    throw unexpected('update_field', answer)
  }

  /** The option names of a fixed-list field, cached for the client's lifetime. */
  async getFieldOptions (ref: number): Promise<string[]> {
    let options = this.options.get(ref)
    if (options === undefined) {
      options = this.loadOptions(ref)
      this.options.set(ref, options)
      options.catch(() => this.options.delete(ref))
    }
    return await options
  }

  /**
   * The definition (ref, shortname, type) of a field given by ref or shortname, as the user sees it on
   * resources of these types: from the catalog, else from one resource of each type (and the global
   * fields); `RS_UNKNOWN_FIELD` if RS shows none.
   */
  async fieldDefinition (nameOrRef: number | string, resourceTypes: readonly number[] = []): Promise<FieldDefinition> {
    const known = this.catalog.find(nameOrRef)
    if (known !== undefined) return known
    await this.learnFieldsOf(resourceTypes)
    const learned = this.catalog.find(nameOrRef)
    if (learned !== undefined) return learned
    throw new SpacelinkError('RS_UNKNOWN_FIELD', 502, 'Unknown ResourceSpace field',
      `ResourceSpace shows user '${this.user}' no metadata field ${JSON.stringify(String(nameOrRef))}` +
      `${resourceTypes.length === 0 ? '' : ` on resource types ${resourceTypes.join(', ')}`}: it does not exist, does not apply to those types, or the user may not see it`,
      { field: nameOrRef })
  }

  /** The numeric ref of a field given by ref or shortname. */
  async resolveFieldRef (nameOrRef: number | string, resourceTypes: readonly number[] = []): Promise<number> {
    return asFieldRef(nameOrRef) ?? (await this.fieldDefinition(nameOrRef, resourceTypes)).ref
  }

  /** The sizes whose files exist (original first); `[]` for a resource without a file or not visible. */
  async getResourceAllImageSizes (ref: number): Promise<ImageSize[]> {
    const answer = await this.call('get_resource_all_image_sizes', [['resource', ref]])
    if (!Array.isArray(answer)) throw unexpected('get_resource_all_image_sizes', answer)
    return answer.filter(isRecord).flatMap(toImageSize)
  }

  /**
   * Resource type names by ref (`get_resource_types`, open to every user), for the pages people read;
   * asked once for the client's lifetime (like option lists: types are set up once, not per resource).
   */
  async getResourceTypes (): Promise<Map<number, string>> {
    if (this.typeNames === undefined) {
      this.typeNames = this.loadResourceTypes()
      this.typeNames.catch(() => { this.typeNames = undefined })
    }
    return await this.typeNames
  }

  private async loadResourceTypes (): Promise<Map<number, string>> {
    const answer = await this.call('get_resource_types', [])
    if (!Array.isArray(answer)) throw unexpected('get_resource_types', answer)
    const names = new Map<number, string>()
    for (const row of answer.filter(isRecord)) {
      const ref = toInt(row.ref)
      if (ref !== undefined && typeof row.name === 'string') names.set(ref, row.name)
    }
    return names
  }

  /**
   * Opens a download (no signature: the URL carries its access key). A redirect (RS sends the login
   * page for a missing, wrong or expired key) becomes an error. The caller must check the content
   * type and length: RS answers a missing size with 200 and a placeholder PNG named `download.jpg`.
   */
  async download (url: string, signal?: AbortSignal): Promise<Dispatcher.ResponseData> {
    const res = await requestStream(
      this.dispatcher,
      { system: 'resourcespace', operation: 'download', url: new URL(url), method: 'GET', limit: this.limit, ...(signal === undefined ? {} : { signal }) }
    )
    if (res.statusCode >= 300) {
      // dump() reads the (empty) redirect body so the connection can be reused; destroy() would emit an error.
      await res.body.dump().catch(() => {})
      const location = String(res.headers.location ?? '')
      throw upstreamStatus('resourcespace', 'download', res.statusCode,
        location.includes('login') ? 'redirected to the login page: the access key is missing, wrong or expired' : location)
    }
    return res
  }

  /** A field of one resource: from the catalog, else from that resource's own field data. */
  private async fieldOfResource (ref: number, nameOrRef: number | string): Promise<FieldDefinition> {
    const known = this.catalog.find(nameOrRef)
    if (known !== undefined) return known
    await this.getResourceFieldData(ref)
    return await this.fieldDefinition(nameOrRef)
  }

  /**
   * Learns the fields the user sees on one resource of each type (the global fields come with every
   * answer). RS answers even a ref that does not exist with the global fields, so with no resource of
   * any type yet, that answer still teaches the global ones.
   */
  private async learnFieldsOf (resourceTypes: readonly number[]): Promise<void> {
    const key = [...resourceTypes].sort((a, b) => a - b).join(',')
    if (this.learnedTypes.has(key)) return
    const samples: number[] = []
    for (const type of resourceTypes) {
      const sample = await this.sampleResource(type)
      if (sample !== undefined) samples.push(sample)
    }
    // A type without resources yet may get its first one later: only a complete answer is remembered.
    const complete = samples.length === resourceTypes.length
    if (samples.length === 0) samples.push(0)
    await Promise.all(samples.map(async (ref) => await this.getResourceFieldData(ref)))
    if (complete) this.learnedTypes.add(key)
  }

  private async loadOptions (ref: number): Promise<string[]> {
    const answer = await this.call('get_field_options', [['ref', ref]])
    if (!Array.isArray(answer)) throw unexpected('get_field_options', answer)
    return answer.map((option) => isRecord(option) ? String(option.name ?? '') : String(option))
  }

  /** One signed call (retried on 5xx and network errors); GET, or a POST form when the query is long. */
  private async call (fn: string, params: RsParam[]): Promise<unknown> {
    return await withRetry(async () => {
      const query = buildRsQuery(this.user, fn, params)
      const sign = signRsQuery(this.key, query)
      const res = query.length <= maxGetQueryLength
        ? await requestText(
          this.dispatcher,
          { system: 'resourcespace', operation: fn, method: 'GET', limit: this.limit, url: new URL(`${this.apiUrl.href}?${query}&sign=${sign}`) }
        )
        : await requestText(this.dispatcher, {
          system: 'resourcespace',
          operation: fn,
          method: 'POST',
          limit: this.limit,
          url: this.apiUrl,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          // RS reads `user` from the form itself, not from inside `query` (without it: 401).
          body: `user=${encodeQueryComponent(this.user)}&query=${encodeQueryComponent(query)}&sign=${sign}`
        })
      return interpretAnswer(fn, res, this.user)
    }, this.retry)
  }
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
