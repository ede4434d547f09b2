/**
 * CollectionSpace services client: find collection objects by accession number, read records, push
 * derivatives as blob + media records, relate them to objects (docs/collectionspace-api.md).
 *
 * Reads (GET, and the idempotent blob rename PUT) are retried on 5xx and network errors. Creates (POST)
 * are never retried here: a POST whose answer was lost may still have created the record, so only the
 * caller, which can look for it first (`findMedia`, `listRelations`), may safely try again.
 */
import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import type { Dispatcher } from 'undici'
import { upstreamBadAnswer, upstreamNotFound, upstreamStatus } from '../errors.js'
import { defaultRetryPolicy, requestText, withRetry, type RetryPolicy, type TextResponse } from './http.js'
import { buildDocument, childText, children, isElement, parseXml, rootElement, type DocumentPart, type XmlElement, type XmlValue } from '../cspace/xml.js'
import { nxqlEquals, nxqlTimestamp } from '../cspace/nxql.js'
import type { AdaptiveLimit } from '../util/adaptive-limit.js'
import { encodeQueryComponent } from '../util/url.js'

export interface CollectionSpaceClientOptions {
  /** `https://host/cspace-services/` (with or without the trailing slash). */
  servicesUrl: string
  user: string
  password: string
  dispatcher: Dispatcher
  retry?: RetryPolicy
  /** This instance's adaptive concurrency limit (src/clients/upstreams.ts); none: unlimited beyond the pool. */
  limit?: AdaptiveLimit
  /** Items asked for per list page (CS default 40, maximum 2500). */
  pageSize?: number
}

/** One collection object as a search lists it. */
export interface ObjectSummary {
  csid: string
  objectNumber: string
  /** Relative, e.g. `/collectionobjects/{csid}`. */
  uri: string
  updatedAt?: string
  workflowState?: string
  /** The list's `title` field, when the tenant's list configuration returns it (fieldsReturned). */
  title?: string
}

/** A full record as read: the XML exactly as received and its parsed `document` element. */
export interface CsRecord {
  csid: string
  xml: string
  doc: XmlElement
  updatedAt?: string
  workflowState?: string
  objectNumber?: string
}

export interface MediaRecord extends CsRecord {
  identificationNumber?: string
  blobCsid?: string
  title?: string
}

export interface MediaSummary {
  csid: string
  uri: string
  identificationNumber?: string
  blobCsid?: string
  title?: string
  updatedAt?: string
  workflowState?: string
}

export interface BlobMeta {
  csid: string
  name?: string
  mimeType?: string
  length?: number
  digest?: string
  updatedAt?: string
  workflowState?: string
}

export interface BlobSummary {
  csid: string
  name?: string
  mimeType?: string
  /** Present when the server lists it. */
  length?: number
  updatedAt?: string
  workflowState?: string
}

export interface RelationSummary {
  csid: string
  subjectCsid: string
  objectCsid: string
  /** The relationship type (`affects`). */
  predicate: string
  subjectDocumentType?: string
  objectDocumentType?: string
}

/**
 * Media record fields keyed `part/field` (`media_common/title`, `media_bampfa/websiteDisplayLevel`;
 * deeper paths build groups: `media_common/dateGroupList/dateGroup/dateDisplayDate`), plus `blobCsid`
 * as a shorthand for `media_common/blobCsid`.
 */
export interface MediaFields {
  [partField: string]: string | undefined
  blobCsid?: string
}

export interface RelationInput {
  subjectCsid: string
  subjectDocumentType: string
  objectCsid: string
  objectDocumentType: string
  predicate?: string
}

export interface RelationQuery {
  sbj?: string
  obj?: string
  prd?: string
  subjectType?: string
  objectType?: string
}

export interface BlobUpload {
  filename: string
  contentType: string
  /** Byte length of `body` when known: sent as Content-Length (and enforced); otherwise chunked. */
  length?: number
}

/** Conventional namespaces of the schema parts spacelink writes (only the local name matters to CS). */
const partNamespaces: Record<string, string> = {
  collectionobjects_common: 'http://collectionspace.org/services/collectionobject',
  collectionobjects_annotation: 'http://collectionspace.org/services/collectionobject/domain/annotation',
  collectionobjects_naturalhistory: 'http://collectionspace.org/services/collectionobject/domain/naturalhistory',
  media_common: 'http://collectionspace.org/services/media',
  media_bampfa: 'http://collectionspace.org/services/media/local/bampfa',
  blobs_common: 'http://collectionspace.org/services/blob',
  relations_common: 'http://collectionspace.org/services/relation',
  collectionspace_core: 'http://collectionspace.org/collectionspace_core/',
  account_permission: 'http://collectionspace.org/services/authorization'
}

/**
 * The namespace of a schema part. Tenant extension parts not in the table get a `local/<tenant>`
 * namespace after their service's; CS picks parts by local name, so any namespace is accepted.
 */
export function partNamespace (part: string): string {
  const known = partNamespaces[part]
  if (known !== undefined) return known
  const [service = part, extension = ''] = part.split('_', 2)
  return `http://collectionspace.org/services/${service}/local/${extension}`
}

const csidPattern = /^[^/?#\s]+$/
const system = 'collectionspace'
const maxPages = 1000
const notDeleted = (state: string | undefined): boolean => state === undefined || !state.includes('deleted')

export class CollectionSpaceClient {
  private readonly base: URL
  private readonly authorization: string
  private readonly dispatcher: Dispatcher
  readonly limit: AdaptiveLimit | undefined
  private readonly retry: RetryPolicy
  private readonly pageSize: number

  constructor (opts: CollectionSpaceClientOptions) {
    this.base = new URL(opts.servicesUrl.endsWith('/') ? opts.servicesUrl : `${opts.servicesUrl}/`)
    this.authorization = `Basic ${Buffer.from(`${opts.user}:${opts.password}`, 'utf8').toString('base64')}`
    this.dispatcher = opts.dispatcher
    this.limit = opts.limit
    this.retry = opts.retry ?? defaultRetryPolicy
    this.pageSize = opts.pageSize ?? 100
  }

  /** Version information; needs no credentials, so it doubles as a reachability check. */
  async systemInfo (): Promise<{ version?: string }> {
    const res = await this.idempotent('GET /systeminfo', 'GET', 'systeminfo', {}, { auth: false })
    let info: XmlElement | undefined
    try {
      info = rootElement(parseXml(res.text), 'system_info_common')
    } catch {
      return {}
    }
    const version = children(info, 'version')[0]
    const numbered = ['major', 'minor', 'patch'].map((part) => childText(version, part)).filter((n) => n !== undefined && n !== '')
    const text = numbered.length > 0 ? numbered.join('.') : childText(info, 'displayName')
    return text === undefined || text === '' ? {} : { version: text }
  }

  /**
   * Live collection objects whose objectNumber is exactly `objectNumber` (trimmed). objectNumber is not
   * unique in CS: 0 results = not found, 1 = the match, more = ambiguous (never guess).
   */
  async findObjectsByNumber (objectNumber: string): Promise<ObjectSummary[]> {
    const wanted = objectNumber.trim()
    if (wanted === '') throw new RangeError('objectNumber must not be empty')
    const found = await this.collect('GET /collectionobjects', 'collectionobjects', {
      as: nxqlEquals('collectionobjects_common:objectNumber', wanted),
      wf_deleted: 'false',
      sortBy: 'collectionspace_core:updatedAt DESC'
    }, objectSummary)
    // Belt and braces: the server already filtered, but a deleted or merely similar record must never
    // be taken for the match.
    return found.filter((o) => o.objectNumber === wanted && notDeleted(o.workflowState))
  }

  /**
   * Pages of collection objects changed at or after `since` (oldest first), for incremental refreshes.
   * Re-run from the last `updatedAt` seen (`>=`) and dedupe by csid + updatedAt: the window moves.
   */
  async * objectsUpdatedSince (since: string | Date, opts: { includeDeleted?: boolean } = {}): AsyncGenerator<ObjectSummary[]> {
    const params: Record<string, string> = {
      as: `collectionspace_core:updatedAt >= ${nxqlTimestamp(since)}`,
      sortBy: 'collectionspace_core:updatedAt ASC'
    }
    if (opts.includeDeleted !== true) params.wf_deleted = 'false'
    for await (const page of this.listPages('GET /collectionobjects', 'collectionobjects', params)) {
      const objects = page.map(objectSummary).filter((o) => o !== undefined)
      const kept = opts.includeDeleted === true ? objects : objects.filter((o) => notDeleted(o.workflowState))
      if (kept.length > 0) yield kept
    }
  }

  async getObject (csid: string): Promise<CsRecord> {
    return await this.getRecord('collectionobjects', csid, 'collectionobjects_common', 'collection object')
  }

  async getMedia (csid: string): Promise<MediaRecord> {
    const record = await this.getRecord('media', csid, 'media_common', 'media record')
    const common = children(record.doc, 'media_common')[0]
    return {
      ...record,
      ...defined({
        identificationNumber: nonEmpty(childText(common, 'identificationNumber')),
        blobCsid: nonEmpty(childText(common, 'blobCsid')),
        title: nonEmpty(childText(common, 'title'))
      })
    }
  }

  /** Live media records with exactly this identificationNumber (to adopt one left by a crashed run). */
  async findMedia ({ identificationNumber }: { identificationNumber: string }): Promise<MediaSummary[]> {
    const found = await this.collect('GET /media', 'media', {
      as: nxqlEquals('media_common:identificationNumber', identificationNumber),
      wf_deleted: 'false',
      sortBy: 'collectionspace_core:updatedAt DESC'
    }, mediaSummary)
    return found.filter((m) => m.identificationNumber === identificationNumber && notDeleted(m.workflowState))
  }

  /**
   * Live media records related to an object (the object is the relation's subject), as the CS UI lists
   * them. The server does not apply the workflow filter on this path, so deleted media are dropped here.
   */
  async mediaRelatedTo (objectCsid: string, predicate = 'affects'): Promise<MediaSummary[]> {
    const related = await this.collect('GET /media', 'media', {
      rtSbj: checkCsid(objectCsid),
      rtPredicate: predicate,
      wf_deleted: 'false',
      sortBy: 'media_common:identificationNumber'
    }, mediaSummary)
    return related.filter((m) => notDeleted(m.workflowState))
  }

  async getBlob (csid: string): Promise<BlobMeta> {
    const record = await this.getRecord('blobs', csid, 'blobs_common', 'blob')
    const common = children(record.doc, 'blobs_common')[0]
    return {
      csid: record.csid,
      ...defined({
        name: nonEmpty(childText(common, 'name')),
        mimeType: nonEmpty(childText(common, 'mimeType')),
        length: numberOf(childText(common, 'length')),
        digest: nonEmpty(childText(common, 'digest')),
        updatedAt: record.updatedAt,
        workflowState: record.workflowState
      })
    }
  }

  /** Live blobs named exactly `name` (to adopt one uploaded by a run whose answer was lost). */
  async findBlobs ({ name }: { name: string }): Promise<BlobSummary[]> {
    const blobs = await this.collect('GET /blobs', 'blobs', {
      as: nxqlEquals('blobs_common:name', name),
      wf_deleted: 'false',
      sortBy: 'collectionspace_core:updatedAt DESC'
    }, blobSummary)
    return blobs.filter((b) => b.name === name && notDeleted(b.workflowState))
  }

  /**
   * Uploads bytes as a new blob (multipart/form-data, field `file`) and returns its csid. The body is
   * streamed through as it is read, never held in memory whole.
   */
  async createBlob (body: Readable, upload: BlobUpload): Promise<string> {
    const multipart = multipartFile(body, upload)
    const headers: Record<string, string> = { 'content-type': `multipart/form-data; boundary=${multipart.boundary}` }
    if (multipart.length !== undefined) headers['content-length'] = String(multipart.length)
    return await this.create('POST /blobs', 'blobs', {}, headers, multipart.stream)
  }

  /** Renames a blob (its download file name); the bytes are not touched. */
  async renameBlob (csid: string, name: string): Promise<void> {
    const xml = buildDocument('blobs', { blobs_common: { namespace: partNamespace('blobs_common'), fields: { name } } })
    // A PUT of the same metadata is idempotent, so it may be retried like a read.
    await this.idempotent('PUT /blobs/{csid}', 'PUT', `blobs/${encodeURIComponent(checkCsid(csid))}`, {}, {
      headers: { 'content-type': 'application/xml' },
      body: xml,
      what: `blob ${csid}`
    })
  }

  /**
   * Creates a media record and returns its csid. With `blobUri`, CS downloads that URL itself (no
   * credentials, from the CS host) and attaches the new blob to the media record.
   */
  async createMedia (fields: MediaFields, opts: { blobUri?: string } = {}): Promise<string> {
    const xml = buildDocument('media', mediaParts(fields))
    const query: Record<string, string> = opts.blobUri === undefined ? {} : { blobUri: opts.blobUri }
    return await this.create('POST /media', 'media', query, { 'content-type': 'application/xml' }, xml)
  }

  /** Creates one relation (one direction: CS never creates the reverse) and returns its csid. */
  async createRelation ({ subjectCsid, subjectDocumentType, objectCsid, objectDocumentType, predicate = 'affects' }: RelationInput): Promise<string> {
    const xml = buildDocument('relations', {
      relations_common: {
        namespace: partNamespace('relations_common'),
        fields: {
          subjectCsid: checkCsid(subjectCsid),
          subjectDocumentType,
          relationshipType: predicate,
          objectCsid: checkCsid(objectCsid),
          objectDocumentType
        }
      }
    })
    return await this.create('POST /relations', 'relations', {}, { 'content-type': 'application/xml' }, xml)
  }

  /** Live relations matching every given filter (each one an exact match). */
  async listRelations (query: RelationQuery): Promise<RelationSummary[]> {
    const params: Record<string, string> = { wf_deleted: 'false' }
    if (query.sbj !== undefined) params.sbj = checkCsid(query.sbj)
    if (query.obj !== undefined) params.obj = checkCsid(query.obj)
    if (query.prd !== undefined) params.prd = query.prd
    if (query.subjectType !== undefined) params.sbjType = query.subjectType
    if (query.objectType !== undefined) params.objType = query.objectType
    return await this.collect('GET /relations', 'relations', params, relationSummary)
  }

  /** Every item of every page of a list, summarised (items without a csid are skipped). */
  private async collect<T> (operation: string, path: string, params: Record<string, string>, summarise: (item: XmlValue) => T | undefined): Promise<T[]> {
    const all: T[] = []
    for await (const page of this.listPages(operation, path, params)) {
      all.push(...page.map(summarise).filter((item): item is T => item !== undefined))
    }
    return all
  }

  private async getRecord (service: string, csid: string, commonPart: string, what: string): Promise<CsRecord> {
    const operation = `GET /${service}/{csid}`
    const res = await this.idempotent(operation, 'GET', `${service}/${encodeURIComponent(checkCsid(csid))}`, {}, { what: `${what} ${csid}` })
    const doc = parseAnswer(res.text, 'document', operation)
    const core = children(doc, 'collectionspace_core')[0]
    return {
      csid,
      xml: res.text,
      doc,
      ...defined({
        updatedAt: nonEmpty(childText(core, 'updatedAt')),
        workflowState: nonEmpty(childText(core, 'workflowState')),
        objectNumber: nonEmpty(childText(children(doc, commonPart)[0], 'objectNumber'))
      })
    }
  }

  /**
   * Pages of list items; stops at `totalItems`, at an empty page, or after `maxPages`. Relations come in
   * a `relations-common-list` of `relation-list-item`s, everything else in an `abstract-common-list`.
   */
  private async * listPages (operation: string, path: string, params: Record<string, string>): AsyncGenerator<XmlValue[]> {
    const [rootName, itemName] = path === 'relations' ? ['relations-common-list', 'relation-list-item'] : ['abstract-common-list', 'list-item']
    for (let pgNum = 0; pgNum < maxPages; pgNum++) {
      const query = { ...params, pgSz: String(this.pageSize), pgNum: String(pgNum) }
      const res = await this.idempotent(operation, 'GET', path, query)
      const list = parseAnswer(res.text, rootName, operation)
      const items = children(list, itemName)
      if (items.length > 0) yield items
      const total = Number(childText(list, 'totalItems'))
      const pageSize = Number(childText(list, 'pageSize') ?? this.pageSize) || this.pageSize
      if (items.length === 0 || !Number.isFinite(total) || (pgNum + 1) * pageSize >= total) return
    }
  }

  /**
   * A GET (or idempotent PUT) expecting 200, retried on 5xx and network errors; any other answer becomes
   * a typed error (`what` names the record, so a 404 says which one is missing).
   */
  private async idempotent (
    operation: string,
    method: Dispatcher.HttpMethod,
    path: string,
    query: Record<string, string>,
    opts: { headers?: Record<string, string>, body?: string, auth?: boolean, what?: string } = {}
  ): Promise<TextResponse> {
    return await withRetry(async () => {
      const res = await this.send(operation, method, path, query, opts)
      if (res.statusCode !== 200) throw failure(res, operation, opts.what)
      return res
    }, this.retry)
  }

  /** POSTs a new record; success is `201` with the new record's absolute URL in `Location`. */
  private async create (
    operation: string,
    path: string,
    query: Record<string,
    string>,
    headers: Record<string,
    string>,
    body: string | Readable
  ): Promise<string> {
    const res = await this.send(operation, 'POST', path, query, { headers, body })
    if (res.statusCode !== 201 && res.statusCode !== 200) throw failure(res, operation)
    const location = res.headers.location
    const csid = typeof location === 'string' ? csidFromLocation(location, this.base) : undefined
    if (csid === undefined) throw upstreamBadAnswer(system, operation, `status ${res.statusCode} without a usable Location header`)
    return csid
  }

  private async send (
    operation: string,
    method: Dispatcher.HttpMethod,
    path: string,
    query: Record<string, string>,
    opts: { headers?: Record<string, string>, body?: string | Readable, auth?: boolean } = {}
  ): Promise<TextResponse> {
    const search = Object.entries(query).map(([key, value]) => `${key}=${encodeQueryComponent(value)}`).join('&')
    const url = new URL(path + (search === '' ? '' : `?${search}`), this.base)
    const headers: Record<string, string> = { accept: 'application/xml', ...opts.headers }
    if (opts.auth !== false) headers.authorization = this.authorization
    return await requestText(this.dispatcher, { system, operation, url, method, headers, body: opts.body, limit: this.limit })
  }
}

function checkCsid (csid: string): string {
  if (!csidPattern.test(csid)) throw new RangeError(`not a CollectionSpace csid: ${JSON.stringify(csid)}`)
  return csid
}

function csidFromLocation (location: string, base: URL): string | undefined {
  try {
    const segment = new URL(location, base).pathname.split('/').filter((s) => s !== '').pop()
    const csid = segment === undefined ? undefined : decodeURIComponent(segment)
    return csid !== undefined && csidPattern.test(csid) ? csid : undefined
  } catch {
    return undefined
  }
}

/** Maps a failed answer to a typed error. 401 bodies are Tomcat HTML pages and are not quoted. */
function failure (res: TextResponse, operation: string, what?: string): Error {
  if (res.statusCode === 404 && what !== undefined) return upstreamNotFound(system, operation, what)
  const contentType = String(res.headers['content-type'] ?? '')
  return upstreamStatus(system, operation, res.statusCode, contentType.includes('html') ? '' : res.text)
}

/** Parses an answer whose root must be `rootName`; anything else is a bad answer, never a crash. */
function parseAnswer (text: string, rootName: string, operation: string): XmlElement {
  let root: XmlElement | undefined
  try {
    root = rootElement(parseXml(text), rootName)
  } catch {
    throw upstreamBadAnswer(system, operation, 'a body that is not XML')
  }
  if (root === undefined) throw upstreamBadAnswer(system, operation, `XML that is not a <${rootName}>`)
  return root
}

function objectSummary (item: XmlValue): ObjectSummary | undefined {
  const csid = nonEmpty(childText(item, 'csid'))
  if (csid === undefined) return undefined
  return {
    csid,
    objectNumber: childText(item, 'objectNumber') ?? '',
    uri: childText(item, 'uri') ?? `/collectionobjects/${csid}`,
    ...defined({ updatedAt: nonEmpty(childText(item, 'updatedAt')), workflowState: nonEmpty(childText(item, 'workflowState')), title: nonEmpty(childText(item, 'title')) })
  }
}

function mediaSummary (item: XmlValue): MediaSummary | undefined {
  const csid = nonEmpty(childText(item, 'csid'))
  if (csid === undefined) return undefined
  return {
    csid,
    uri: childText(item, 'uri') ?? `/media/${csid}`,
    ...defined({
      identificationNumber: nonEmpty(childText(item, 'identificationNumber')),
      blobCsid: nonEmpty(childText(item, 'blobCsid')),
      title: nonEmpty(childText(item, 'title')),
      updatedAt: nonEmpty(childText(item, 'updatedAt')),
      workflowState: nonEmpty(childText(item, 'workflowState'))
    })
  }
}

function blobSummary (item: XmlValue): BlobSummary | undefined {
  const csid = nonEmpty(childText(item, 'csid'))
  if (csid === undefined) return undefined
  return {
    csid,
    ...defined({
      name: nonEmpty(childText(item, 'name')),
      mimeType: nonEmpty(childText(item, 'mimeType')),
      length: numberOf(childText(item, 'length')),
      updatedAt: nonEmpty(childText(item, 'updatedAt')),
      workflowState: nonEmpty(childText(item, 'workflowState'))
    })
  }
}

function relationSummary (item: XmlValue): RelationSummary | undefined {
  const csid = nonEmpty(childText(item, 'csid'))
  const subjectCsid = nonEmpty(childText(item, 'subjectCsid'))
  const objectCsid = nonEmpty(childText(item, 'objectCsid'))
  if (csid === undefined || subjectCsid === undefined || objectCsid === undefined) return undefined
  return {
    csid,
    subjectCsid,
    objectCsid,
    predicate: childText(item, 'relationshipType') ?? childText(item, 'predicate') ?? '',
    ...defined({
      subjectDocumentType: nonEmpty(childText(children(item, 'subject')[0], 'documentType')),
      objectDocumentType: nonEmpty(childText(children(item, 'object')[0], 'documentType'))
    })
  }
}

/** `part/field[/group/…]` keys → document parts with nested groups. */
function mediaParts (fields: MediaFields): Record<string, DocumentPart> {
  const parts: Record<string, DocumentPart> = {}
  const entries = Object.entries(fields).map(([key, value]) => [key === 'blobCsid' ? 'media_common/blobCsid' : key, value] as const)
  for (const [key, value] of entries) {
    if (value === undefined) continue
    const [part, ...path] = key.split('/')
    const leaf = path.pop()
    if (part === undefined || part === '' || leaf === undefined || leaf === '') throw new TypeError(`media field must be 'part/field': ${JSON.stringify(key)}`)
    parts[part] ??= { namespace: partNamespace(part), fields: {} }
    let node = parts[part].fields
    for (const group of path) {
      const next = node[group]
      node = isElement(next as XmlValue) ? next as Record<string, unknown> : (node[group] = {})
    }
    node[leaf] = value
  }
  return parts
}

/** The multipart/form-data body for one file, as a stream: preamble, the caller's bytes, epilogue. */
function multipartFile (body: Readable, upload: BlobUpload): { boundary: string, stream: Readable, length?: number } {
  if (/[\r\n]/.test(upload.contentType) || !/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;.*)?$/.test(upload.contentType)) {
    throw new TypeError(`not a media type: ${JSON.stringify(upload.contentType)}`)
  }
  const boundary = `spacelink-${randomBytes(16).toString('hex')}`
  const head = Buffer.from(
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="file"; filename="${formDataFilename(upload.filename)}"\r\n` +
    `Content-Type: ${upload.contentType}\r\n\r\n`,
    'utf8'
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')
  async function * parts (): AsyncGenerator<Buffer> {
    yield head
    for await (const chunk of body) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk as Buffer
    yield tail
  }
  return {
    boundary,
    stream: Readable.from(parts(), { objectMode: false }),
    ...defined({ length: upload.length === undefined ? undefined : head.length + upload.length + tail.length })
  }
}

/** Escapes a file name the way browsers do in form-data (WHATWG): `"`, CR and LF percent-encoded. */
function formDataFilename (name: string): string {
  return name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function numberOf (text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined
  return Number(text)
}

function nonEmpty (value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/** Drops undefined members, so results compare cleanly and optional fields are truly absent. */
function defined<T extends Record<string, unknown>> (values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> }
}
