/**
 * The services the simulator offers under `/cspace-services`: list, read, create, update, delete and
 * soft-delete for collection objects, media, blobs and relations, blob content, related-media lists.
 * Each path is registered literally, so a route's URL doubles as the operation name for counters and
 * fault injection (`POST /blobs`, `GET /collectionobjects/{csid}`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { XmlSyntaxError, childText, isElement, parseXml, rootElement, type XmlValue } from '../../cspace/xml.js'
import { callerOf } from './auth.js'
import { downloadBlob, uploadedBlob, type IncomingBlob } from './blobs.js'
import { commonList, documentTypes, recordDocument, relationsList } from './documents.js'
import { badRequest, notFound } from './http-error.js'
import type { FormPart } from './multipart.js'
import { selectPage, type ListParams } from './search.js'
import { fieldOf, type PartNode, type PartValue, type Service, type StoredRecord, type TenantStore } from './store.js'

type Query = Record<string, string | undefined>

/** Parts a create or update may carry per service; others are skipped silently, as CS does. */
const writableParts: Record<Service, string[]> = {
  collectionobjects: ['collectionobjects_common', 'collectionobjects_annotation', 'collectionobjects_naturalhistory'],
  media: ['media_common', 'media_bampfa'],
  blobs: ['blobs_common'],
  relations: ['relations_common']
}

const xmlType = 'application/xml'
const prefix = '/cspace-services'

export function registerServiceRoutes (app: FastifyInstance): void {
  for (const service of ['collectionobjects', 'media', 'blobs'] as const) {
    app.get(`${prefix}/${service}`, async (request, reply) => await listRecords(request, reply, service))
  }
  app.get(`${prefix}/relations`, listRelations)
  for (const service of ['collectionobjects', 'media', 'blobs', 'relations'] as const) {
    app.get<{ Params: { csid: string } }>(`${prefix}/${service}/:csid`, async (request, reply) => await readRecord(request, reply, service))
    app.put<{ Params: { csid: string } }>(`${prefix}/${service}/:csid`, async (request, reply) => await updateRecord(request, reply, service))
    app.delete<{ Params: { csid: string } }>(`${prefix}/${service}/:csid`, async (request, reply) => await deleteRecord(request, reply, service))
    app.put<{ Params: { csid: string, transition: string } }>(
      `${prefix}/${service}/:csid/workflow/:transition`,
      async (request, reply) => await transition(request, reply, service)
    )
  }
  app.post(`${prefix}/collectionobjects`, createObject)
  app.post(`${prefix}/media`, createMedia)
  app.post(`${prefix}/blobs`, createBlob)
  app.post(`${prefix}/relations`, createRelation)
  app.delete(`${prefix}/relations`, deleteRelationsByQuery)
  app.get<{ Params: { csid: string } }>(`${prefix}/blobs/:csid/content`, blobContent)
  app.get<{ Params: { csid: string } }>(`${prefix}/media/:csid/blob/content`, mediaBlobContent)
}

async function listRecords (request: FastifyRequest, reply: FastifyReply, service: Exclude<Service, 'relations'>): Promise<FastifyReply> {
  const { tenant } = callerOf(request)
  const query = queryOf(request)
  let records = tenant.list(service)
  let applyWorkflow = true
  if (service === 'media' && (query.rtSbj !== undefined || query.rtObj !== undefined)) {
    // The related-records path runs a separate query without the workflow filter (docs/collectionspace-api.md §Search (NXQL)).
    const related = relatedCsids(tenant, query)
    records = records.filter((record) => related.has(record.csid))
    applyWorkflow = false
  }
  return await reply.type(xmlType).send(commonList(tenant, service, selectPage(tenant, records, listParams(query), applyWorkflow)))
}

/** Csids at the other end of live relations from `rtSbj` (or to `rtObj`), optionally of one predicate. */
function relatedCsids (tenant: TenantStore, query: Query): Set<string> {
  const csids = new Set<string>()
  for (const relation of tenant.list('relations')) {
    if (relation.workflowState === 'deleted') continue
    const field = (name: string): string | undefined => fieldOf(relation, 'relations_common', name)
    if (query.rtPredicate !== undefined && field('relationshipType') !== query.rtPredicate) continue
    if (query.rtSbj !== undefined && field('subjectCsid') === query.rtSbj) csids.add(field('objectCsid') ?? '')
    if (query.rtObj !== undefined && field('objectCsid') === query.rtObj) csids.add(field('subjectCsid') ?? '')
  }
  return csids
}

async function listRelations (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { tenant } = callerOf(request)
  const query = queryOf(request)
  const relations = tenant.list('relations').filter((relation) => relationMatches(relation, query))
  return await reply.type(xmlType).send(relationsList(tenant, selectPage(tenant, relations, listParams(query))))
}

/** sbj / obj / prd / sbjType / objType are exact filters; andReciprocal also accepts the swapped ends. */
function relationMatches (relation: StoredRecord, query: Query): boolean {
  const field = (name: string): string | undefined => fieldOf(relation, 'relations_common', name)
  const ends = (subject: string, object: string): boolean =>
    (query.sbj === undefined || field(`${subject}Csid`) === query.sbj) &&
    (query.obj === undefined || field(`${object}Csid`) === query.obj) &&
    (query.sbjType === undefined || field(`${subject}DocumentType`) === query.sbjType) &&
    (query.objType === undefined || field(`${object}DocumentType`) === query.objType)
  const predicate = query.prd === undefined || field('relationshipType') === query.prd
  return predicate && (ends('subject', 'object') || (query.andReciprocal === 'true' && ends('object', 'subject')))
}

async function readRecord (request: FastifyRequest<{ Params: { csid: string } }>, reply: FastifyReply, service: Service): Promise<FastifyReply> {
  const { tenant, user } = callerOf(request)
  const record = findRecord(tenant, service, request.params.csid, queryOf(request).wf_deleted === 'false')
  return await reply.type(xmlType).send(recordDocument(tenant, record, user))
}

async function createObject (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { tenant, user } = callerOf(request)
  const parts = partsOf(request.body, 'collectionobjects', 'CREATE')
  if ((childText(parts.collectionobjects_common, 'objectNumber') ?? '').trim() === '') {
    throw badRequest('Create request failed: objectNumber is required')
  }
  return await created(request, reply, tenant.create('collectionobjects', parts, user))
}

async function createMedia (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { tenant, user } = callerOf(request)
  const query = queryOf(request)
  const parts = partsOf(request.body, 'media', 'CREATE')
  let blobCsid = query.blobCsid
  if (query.blobUri !== undefined) {
    // Download first: a failed download creates neither blob nor media.
    blobCsid = storeBlob(tenant, await downloadBlob(query.blobUri), user).csid
  }
  if (blobCsid !== undefined) parts.media_common = { ...parts.media_common, blobCsid: [blobCsid] }
  return await created(request, reply, tenant.create('media', parts, user))
}

async function createBlob (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { tenant, user } = callerOf(request)
  const query = queryOf(request)
  let blob: IncomingBlob
  if (query.blobUri !== undefined) blob = await downloadBlob(query.blobUri)
  else if (Array.isArray(request.body)) blob = uploadedBlob(request.body as FormPart[])
  else throw badRequest('Create request failed: send multipart/form-data with a "file" part, or ?blobUri=')
  return await created(request, reply, storeBlob(tenant, blob, user))
}

function storeBlob (tenant: TenantStore, blob: IncomingBlob, user: string): StoredRecord {
  return tenant.createBlob({ blobs_common: { name: [blob.name], mimeType: [blob.mimeType] } }, blob.bytes, user)
}

async function createRelation (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { tenant, user } = callerOf(request)
  const parts = partsOf(request.body, 'relations', 'CREATE')
  const common = parts.relations_common ?? {}
  const first = (name: string): string => typeof common[name]?.[0] === 'string' ? common[name][0] : ''
  const subject = tenant.get(first('subjectCsid'))
  const object = tenant.get(first('objectCsid'))
  // Failures inside a create are wrapped by CS and surface as 400, even for a missing record.
  if (subject === undefined) throw badRequest(`Create request failed: no record with csid=${first('subjectCsid')} (subject)`)
  if (object === undefined) throw badRequest(`Create request failed: no record with csid=${first('objectCsid')} (object)`)
  if (first('relationshipType') === '') throw badRequest('Create request failed: relationshipType is required')
  // The server looks both ends up and overwrites what the client said about them.
  parts.relations_common = {
    ...common,
    subjectDocumentType: [documentTypes[subject.service]],
    subjectUri: [`/${subject.service}/${subject.csid}`],
    subjectRefName: [tenant.refName(subject)],
    objectDocumentType: [documentTypes[object.service]],
    objectUri: [`/${object.service}/${object.csid}`],
    objectRefName: [tenant.refName(object)]
  }
  return await created(request, reply, tenant.create('relations', parts, user))
}

async function updateRecord (request: FastifyRequest<{ Params: { csid: string } }>, reply: FastifyReply, service: Service): Promise<FastifyReply> {
  const { tenant, user } = callerOf(request)
  const record = findRecord(tenant, service, request.params.csid, false)
  tenant.update(record, partsOf(request.body, service, 'UPDATE'), user)
  return await reply.type(xmlType).send(recordDocument(tenant, record, user))
}

async function deleteRecord (request: FastifyRequest<{ Params: { csid: string } }>, reply: FastifyReply, service: Service): Promise<FastifyReply> {
  const { tenant } = callerOf(request)
  tenant.remove(findRecord(tenant, service, request.params.csid, false))
  return await reply.code(200).send()
}

async function deleteRelationsByQuery (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { tenant } = callerOf(request)
  const query = queryOf(request)
  const matching = tenant.list('relations').filter((relation) => relationMatches(relation, query))
  if (matching.length === 0) throw notFound('Delete request failed: no relation matches')
  for (const relation of matching) tenant.remove(relation)
  return await reply.code(200).send()
}

async function transition (
  request: FastifyRequest<{ Params: { csid: string, transition: string } }>,
  reply: FastifyReply,
  service: Service
): Promise<FastifyReply> {
  const { tenant, user } = callerOf(request)
  const record = findRecord(tenant, service, request.params.csid, false)
  const { transition: name } = request.params
  if (name !== 'delete' && name !== 'undelete') throw badRequest(`Unsupported workflow transition: ${name}`)
  tenant.setWorkflow(record, name === 'delete' ? 'deleted' : 'project', user)
  return await reply.type(xmlType).send(recordDocument(tenant, record, user))
}

async function blobContent (request: FastifyRequest<{ Params: { csid: string } }>, reply: FastifyReply): Promise<FastifyReply> {
  const { tenant } = callerOf(request)
  return await sendContent(reply, tenant, findRecord(tenant, 'blobs', request.params.csid, false))
}

async function mediaBlobContent (request: FastifyRequest<{ Params: { csid: string } }>, reply: FastifyReply): Promise<FastifyReply> {
  const { tenant } = callerOf(request)
  const media = findRecord(tenant, 'media', request.params.csid, false)
  return await sendContent(reply, tenant, findRecord(tenant, 'blobs', fieldOf(media, 'media_common', 'blobCsid') ?? '', false))
}

async function sendContent (reply: FastifyReply, tenant: TenantStore, blob: StoredRecord): Promise<FastifyReply> {
  const content = tenant.blobContent.get(blob.csid)
  return await reply
    .type(fieldOf(blob, 'blobs_common', 'mimeType') ?? 'application/octet-stream')
    .header('content-disposition', `inline;filename="${fieldOf(blob, 'blobs_common', 'name') ?? 'blob'}"`)
    .header('cache-control', 'max-age=86400')
    .send(content?.bytes ?? Buffer.alloc(0))
}

/** 201, empty body, absolute Location (the csid is its last segment). */
async function created (request: FastifyRequest, reply: FastifyReply, record: StoredRecord): Promise<FastifyReply> {
  const location = `${request.protocol}://${request.host}${prefix}/${record.service}/${record.csid}`
  return await reply.code(201).header('location', location).send()
}

function findRecord (tenant: TenantStore, service: Service, csid: string, hideDeleted: boolean): StoredRecord {
  const record = tenant.get(csid, service)
  if (record === undefined || (hideDeleted && record.workflowState.includes('deleted'))) {
    throw notFound(`Read request failed: The resource was not found. csid=${csid}`)
  }
  return record
}

/**
 * The parts of a `<document>` payload this service stores. The root must be `document` (any case);
 * part elements are matched by local name; parts the service does not know are skipped.
 */
function partsOf (body: unknown, service: Service, action: 'CREATE' | 'UPDATE'): Record<string, PartNode> {
  if (typeof body !== 'string' || body.trim() === '') throw badRequest(`No payload found for '${action}' action.`)
  let root
  try {
    root = rootElement(parseXml(body), 'document')
  } catch (err) {
    throw badRequest(`${action === 'CREATE' ? 'Create' : 'Update'} request failed: ${err instanceof XmlSyntaxError ? err.message : 'unreadable payload'}`)
  }
  if (root === undefined) throw badRequest(`${action === 'CREATE' ? 'Create' : 'Update'} request failed: the root element must be <document>`)
  const names = Object.keys(root).filter((key) => !key.startsWith('@_') && key !== '#text')
  if (names.length === 0) throw badRequest(`No payload found for '${action}' action.`)
  const parts: Record<string, PartNode> = {}
  for (const name of names.filter((n) => writableParts[service].includes(n))) {
    const element = root[name]
    // A part sent twice: the first one counts.
    const part = stripAttributes(Array.isArray(element) ? element[0] ?? '' : element ?? '')
    parts[name] = isElement(part) ? part as PartNode : {}
  }
  return parts
}

/** Drops attributes (`xsi:nil`, namespace leftovers); an element left with only text becomes that text. */
function stripAttributes (value: XmlValue): PartValue {
  if (typeof value === 'string') return value
  const out: PartNode = {}
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith('@_')) continue
    if (key === '#text') return typeof child === 'string' ? child : ''
    out[key] = (Array.isArray(child) ? child : [child]).map((c) => stripAttributes(c))
  }
  return out
}

function queryOf (request: FastifyRequest): Query {
  const query: Query = {}
  for (const [key, value] of Object.entries(request.query as Record<string, unknown>)) {
    const first: unknown = Array.isArray(value) ? value[0] : value
    if (typeof first === 'string') query[key] = first
  }
  return query
}

function listParams (query: Query): ListParams {
  const { as, wf_deleted: wfDeleted, wf_only_deleted: wfOnlyDeleted, pgSz, pgNum, sortBy } = query
  return { as, wf_deleted: wfDeleted, wf_only_deleted: wfOnlyDeleted, pgSz, pgNum, sortBy }
}
