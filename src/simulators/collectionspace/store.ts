/**
 * The CollectionSpace simulator's memory: records per tenant (collection objects, media, blobs with
 * their bytes, relations), how often each operation was called, and a log of every write. Tenants are
 * fully isolated, as in CS, where the tenant is the authenticated user's.
 */
import { createHash, randomUUID } from 'node:crypto'
import { childText, children, type XmlValue } from '../../cspace/xml.js'

export type Service = 'collectionobjects' | 'media' | 'blobs' | 'relations'
export const services: Service[] = ['collectionobjects', 'media', 'blobs', 'relations']

/** A schema part as stored: every child element is an array (the shape `parseXml` produces). */
export interface PartNode {
  [field: string]: PartValue[]
}
export type PartValue = string | PartNode

export interface StoredRecord {
  csid: string
  service: Service
  parts: Record<string, PartNode>
  createdAt: string
  createdBy: string
  updatedAt: string
  updatedBy: string
  /** `project`, or `deleted` after a soft delete. */
  workflowState: string
}

export interface BlobContent {
  bytes: Buffer
  sha256: string
  md5: string
}

export interface TenantAccount {
  user: string
  password: string
}

export interface WriteEntry {
  at: string
  tenant: string
  action: 'create' | 'update' | 'delete' | 'workflow'
  service: Service
  csid: string
}

/** A readable snapshot for tests and `GET /__sim/state`. */
export interface CsState {
  objects: Array<{ tenant: string, csid: string, objectNumber: string, title?: string, workflowState: string, updatedAt: string }>
  media: Array<{
    tenant: string,
    csid: string,
    identificationNumber?: string,
    title?: string,
    blobCsid?: string,
    workflowState: string,
    updatedAt: string,
    fields: Record<string,
    string>
  }>
  blobs: Array<{ tenant: string, csid: string, name: string, mimeType: string, length: number, sha256: string, workflowState: string }>
  relations: Array<{
    tenant: string,
    csid: string,
    subjectCsid: string,
    subjectDocumentType: string,
    objectCsid: string,
    objectDocumentType: string,
    relationshipType: string,
    workflowState: string
  }>
  /** Requests per operation (`POST /blobs`), across tenants, counted before authentication. */
  calls: Record<string, number>
  writes: WriteEntry[]
}

/** The first text value of `part/field` in a stored record. */
export function fieldOf (record: StoredRecord, part: string, field: string): string | undefined {
  return childText(record.parts[part], field)
}

/** CS csids are UUIDs cut to four groups (about 23 characters), e.g. `87674c8f-296d-4682-a795`. */
export function newCsid (): string {
  return randomUUID().split('-').slice(0, 4).join('-')
}

export class TenantStore {
  readonly records = new Map<string, StoredRecord>()
  readonly blobContent = new Map<string, BlobContent>()

  constructor (
    readonly name: string,
    /** Appears in refNames: `urn:cspace:<domain>:…`. */
    readonly domain: string,
    private readonly log: (entry: Omit<WriteEntry, 'at' | 'tenant'>) => void,
    private readonly clock: () => string
  ) {}

  /** A create through the API: new csid, timestamps now, logged as a write. */
  create (service: Service, parts: Record<string, PartNode>, user: string): StoredRecord {
    const now = this.clock()
    const record = this.insert({ csid: newCsid(), service, parts, createdAt: now, createdBy: user, updatedAt: now, updatedBy: user, workflowState: 'project' })
    this.log({ action: 'create', service, csid: record.csid })
    return record
  }

  /** Puts a record in place as it is (seed data, test setup); not logged as a write. */
  insert (record: StoredRecord): StoredRecord {
    this.records.set(record.csid, record)
    return record
  }

  createBlob (parts: Record<string, PartNode>, bytes: Buffer, user: string): StoredRecord {
    const record = this.create('blobs', parts, user)
    this.blobContent.set(record.csid, {
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      md5: createHash('md5').update(bytes).digest('hex')
    })
    return record
  }

  /** A record of `service` (any service when omitted); hard-deleted records are gone. */
  get (csid: string, service?: Service): StoredRecord | undefined {
    const record = this.records.get(csid)
    return record === undefined || (service !== undefined && record.service !== service) ? undefined : record
  }

  list (service: Service): StoredRecord[] {
    return [...this.records.values()].filter((record) => record.service === service)
  }

  /**
   * Merges a PUT: only the fields sent are set; a group that is sent replaces the whole group; parts
   * and fields that are not sent stay as they were.
   */
  update (record: StoredRecord, parts: Record<string, PartNode>, user: string): void {
    for (const [name, part] of Object.entries(parts)) record.parts[name] = { ...record.parts[name], ...part }
    this.touch(record, user)
    this.log({ action: 'update', service: record.service, csid: record.csid })
  }

  /** Hard delete. Deleting a media record deletes its blob first, as CS does. */
  remove (record: StoredRecord): void {
    if (record.service === 'media') {
      const blob = this.get(fieldOf(record, 'media_common', 'blobCsid') ?? '', 'blobs')
      if (blob !== undefined) this.remove(blob)
    }
    this.records.delete(record.csid)
    this.blobContent.delete(record.csid)
    this.log({ action: 'delete', service: record.service, csid: record.csid })
  }

  /** Soft delete / undelete. Soft-deleting a record also soft-deletes every relation that names it. */
  setWorkflow (record: StoredRecord, state: 'deleted' | 'project', user: string): void {
    record.workflowState = state
    this.touch(record, user)
    this.log({ action: 'workflow', service: record.service, csid: record.csid })
    if (state !== 'deleted' || record.service === 'relations') return
    for (const relation of this.list('relations')) {
      const named = fieldOf(relation, 'relations_common', 'subjectCsid') === record.csid || fieldOf(relation, 'relations_common', 'objectCsid') === record.csid
      if (named && relation.workflowState !== 'deleted') this.setWorkflow(relation, 'deleted', user)
    }
  }

  refName (record: StoredRecord): string {
    const display = displayFieldOf(record)
    return `urn:cspace:${this.domain}:${record.service}:id(${record.csid})${display === undefined || display === '' ? '' : `'${display}'`}`
  }

  private touch (record: StoredRecord, user: string): void {
    record.updatedAt = this.clock()
    record.updatedBy = user
  }
}

/** The field a record's refName shows: objectNumber, media title, blob name. */
function displayFieldOf (record: StoredRecord): string | undefined {
  switch (record.service) {
    case 'collectionobjects': return fieldOf(record, 'collectionobjects_common', 'objectNumber')
    case 'media': return fieldOf(record, 'media_common', 'title')
    case 'blobs': return fieldOf(record, 'blobs_common', 'name')
    case 'relations': return undefined
  }
}

export class CsStore {
  readonly tenants = new Map<string, TenantStore>()
  readonly calls: Record<string, number> = {}
  readonly writes: WriteEntry[] = []
  private readonly accounts = new Map<string, { tenant: string, password: string }>()
  private lastTime = 0

  constructor (tenants: Record<string, TenantAccount>, domainOf: (tenant: string) => string) {
    for (const [tenant, account] of Object.entries(tenants)) {
      this.accounts.set(account.user, { tenant, password: account.password })
      this.tenants.set(tenant, new TenantStore(tenant, domainOf(tenant), (entry) => {
        this.writes.push({ at: this.now(), tenant, ...entry })
      }, () => this.now()))
    }
  }

  /** The tenant of a user whose password matches; CS answers 401 alike for an unknown user and a bad password. */
  authenticate (user: string, password: string): TenantStore | undefined {
    const account = this.accounts.get(user)
    return account === undefined || account.password !== password ? undefined : this.tenants.get(account.tenant)
  }

  tenant (name: string): TenantStore {
    const tenant = this.tenants.get(name)
    if (tenant === undefined) throw new Error(`the simulator has no tenant ${JSON.stringify(name)}`)
    return tenant
  }

  count (operation: string): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1
  }

  /**
   * Timestamps strictly increase (by at least 1 ms), so "updated since" windows and `updatedAt` sorting
   * behave deterministically even when writes land in the same millisecond.
   */
  now (): string {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1)
    return new Date(this.lastTime).toISOString()
  }

  state (tenant?: string): CsState {
    const tenants = tenant === undefined ? [...this.tenants.values()] : [this.tenant(tenant)]
    const state: CsState = {
      objects: [],
      media: [],
      blobs: [],
      relations: [],
      calls: { ...this.calls },
      writes: this.writes.filter((w) => tenant === undefined || w.tenant === tenant)
    }
    for (const t of tenants) {
      for (const record of t.records.values()) addToState(state, t, record)
    }
    return state
  }
}

function addToState (state: CsState, tenant: TenantStore, record: StoredRecord): void {
  const base = { tenant: tenant.name, csid: record.csid, workflowState: record.workflowState }
  const field = (part: string, name: string): string | undefined => fieldOf(record, part, name)
  switch (record.service) {
    case 'collectionobjects':
      state.objects.push({
        ...base,
        objectNumber: field('collectionobjects_common', 'objectNumber') ?? '',
        ...optional('title', childText(children(children(record.parts.collectionobjects_common, 'titleGroupList')[0], 'titleGroup')[0], 'title')),
        updatedAt: record.updatedAt
      })
      break
    case 'media':
      state.media.push({
        ...base,
        ...optional('identificationNumber', field('media_common', 'identificationNumber')),
        ...optional('title', field('media_common', 'title')),
        ...optional('blobCsid', field('media_common', 'blobCsid')),
        updatedAt: record.updatedAt,
        fields: flatFields(record)
      })
      break
    case 'blobs': {
      const content = tenant.blobContent.get(record.csid)
      state.blobs.push({
        ...base,
        name: field('blobs_common', 'name') ?? '',
        mimeType: field('blobs_common', 'mimeType') ?? '',
        length: content?.bytes.length ?? 0,
        sha256: content?.sha256 ?? ''
      })
      break
    }
    case 'relations':
      state.relations.push({
        ...base,
        subjectCsid: field('relations_common', 'subjectCsid') ?? '',
        subjectDocumentType: field('relations_common', 'subjectDocumentType') ?? '',
        objectCsid: field('relations_common', 'objectCsid') ?? '',
        objectDocumentType: field('relations_common', 'objectDocumentType') ?? '',
        relationshipType: field('relations_common', 'relationshipType') ?? ''
      })
      break
  }
}

/** Non-empty top-level text fields of every part, keyed `part/field`. */
function flatFields (record: StoredRecord): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const [part, node] of Object.entries(record.parts)) {
    for (const [name, values] of Object.entries(node)) {
      const first: XmlValue | undefined = values[0]
      if (typeof first === 'string' && first !== '') fields[`${part}/${name}`] = first
    }
  }
  return fields
}

function optional<K extends string> (key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: string }
}
