/**
 * Response schemas of the REST API, for the OpenAPI document and the serializer. Every resource object is
 * open (`additionalProperties: true`): the documented fields are promised, and a field added to a row later
 * is still sent rather than silently dropped by the serializer. Nullable fields are declared nullable, or
 * the serializer would turn a null into "" or 0.
 */
import { Type, type TSchema } from '@fastify/type-provider-typebox'
import { ProblemSchema } from './problem.js'

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description === undefined ? {} : { description }) })
const open = { additionalProperties: true } as const

export const HalLinkSchema = Type.Object({ href: Type.String({ format: 'uri' }) }, { ...open, description: 'An absolute link' })
const Links = (description: string) => Type.Record(Type.String(), HalLinkSchema, { description })

export const PageSchema = Type.Object({
  size: Type.Integer({ description: 'page size used' }),
  totalElements: Type.Integer(),
  totalPages: Type.Integer(),
  number: Type.Integer({ description: 'zero-based page number' })
})

/** A HAL collection page: `_embedded.<name>`, `page`, `_links` (self, first, last, prev, next). */
export function HalCollectionSchema (name: string, item: TSchema, description: string) {
  return Type.Object({
    _embedded: Type.Object({ [name]: Type.Array(item) }),
    page: PageSchema,
    _links: Links('self, first, last; prev and next where they exist')
  }, { description })
}

const UpstreamCallSchema = Type.Object({
  system: Type.String({ description: 'resourcespace or collectionspace' }),
  operation: Type.String(),
  method: Type.String(),
  status: Nullable(Type.Integer()),
  ms: Type.Number(),
  error: Type.Optional(Type.String())
}, open)

const RsWriteSchema = Type.Object({
  field: Type.String(),
  fieldRef: Nullable(Type.Integer()),
  previous: Type.String(),
  value: Type.String(),
  writtenAt: Nullable(DateTime()),
  title: Type.Optional(Nullable(Type.String({ description: 'the field\'s title in RS (null on writes recorded before spacelink kept it)' })))
}, open)

const transactionFields = {
  type: Type.Literal('transaction'),
  id: Type.String(),
  startedAt: DateTime(),
  finishedAt: Nullable(DateTime()),
  caller: Type.String({ description: 'api_webhooks, browser, json, cli or sync' }),
  rsid: Type.Integer(),
  instance: Nullable(Type.String()),
  queryType: Type.String(),
  outcome: Nullable(Type.String({ description: 'null: ended in an error that is not an outcome' })),
  httpStatus: Nullable(Type.Integer()),
  durationMs: Nullable(Type.Integer()),
  message: Nullable(Type.String()),
  dryRun: Type.Boolean(),
  syncRunId: Nullable(Type.String()),
  detailsPrunedAt: Nullable(DateTime()),
  accessionNumber: Nullable(Type.String({ description: 'the accession number the action worked with, when it found one' })),
  _links: Links('self, resource (RS), syncRun')
}

export const TransactionSummarySchema = Type.Object(transactionFields, { ...open, description: 'One action spacelink took' })
export const TransactionSchema = Type.Object({
  ...transactionFields,
  steps: Type.Array(UpstreamCallSchema, { description: 'every upstream call, in order' }),
  rsWrites: Type.Array(RsWriteSchema, { description: 'RS field values before and after each write' }),
  raw: Nullable(Type.String({ description: 'the CS record XML as received' })),
  mapped: Nullable(Type.Record(Type.String(), Type.Unknown(), { description: 'the values mapped from it' }))
}, { ...open, description: 'One action with its steps, RS writes, raw CS record and mapped values' })

export const LinkSchema = Type.Object({
  type: Type.Literal('link'),
  id: Type.String(),
  rsid: Type.Integer(),
  instance: Type.String(),
  size: Type.String(),
  version: Type.Integer(),
  objectCsid: Type.String(),
  objectNumber: Type.String(),
  blobCsid: Nullable(Type.String()),
  mediaCsid: Nullable(Type.String()),
  relationObjectMediaCsid: Nullable(Type.String()),
  relationMediaObjectCsid: Nullable(Type.String()),
  byteLength: Nullable(Type.Integer()),
  sha256: Nullable(Type.String()),
  md5: Nullable(Type.String()),
  filename: Nullable(Type.String()),
  contentType: Nullable(Type.String()),
  step: Type.String({ description: 'how far the push got; done when complete' }),
  transactionId: Nullable(Type.String()),
  createdAt: DateTime(),
  updatedAt: DateTime(),
  doneAt: Nullable(DateTime()),
  _links: Links('self, resource (RS), record (CS), transaction')
}, { ...open, description: 'An RS resource linked to a CS object and media' })

const Counts = Type.Record(Type.String(), Type.Integer(), { description: 'items by outcome' })

export const SyncRunSchema = Type.Object({
  type: Type.Literal('syncrun'),
  id: Type.String(),
  instance: Type.String(),
  startedAt: DateTime(),
  finishedAt: Nullable(DateTime()),
  status: Type.String({ description: 'running, finished, failed or interrupted' }),
  options: Type.Record(Type.String(), Type.Unknown()),
  counts: Counts,
  total: Nullable(Type.Integer({ description: 'resources found to work on' })),
  holder: Type.String({ description: 'the process that ran it' }),
  error: Nullable(Type.String()),
  _links: Links('self, transactions')
}, { ...open, description: 'One sync run of an instance' })

export const SyncRunItemSchema = Type.Object({
  runId: Type.String(),
  rsid: Type.Integer(),
  accessionNumber: Nullable(Type.String()),
  outcome: Type.String(),
  message: Nullable(Type.String()),
  transactionId: Nullable(Type.String()),
  updatedAt: DateTime()
}, open)

export const SyncRunDetailSchema = Type.Object({
  ...SyncRunSchema.properties,
  items: HalCollectionSchema('items', SyncRunItemSchema, 'the per-item results, paged')
}, { ...open, description: 'One sync run with its per-item results' })

export const InstanceViewSchema = Type.Object({
  name: Type.String(),
  resourceTypes: Type.Array(Type.Integer()),
  servicesUrl: Type.String(),
  recordUrl: Type.String(),
  derivative: Type.Record(Type.String(), Type.Unknown()),
  accessionNumber: Type.Record(Type.String(), Type.Unknown()),
  mapping: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  schedule: Nullable(Type.String()),
  lastSuccessfulSyncAt: Nullable(DateTime('when the last successful (not dry-run) sync ended; null: never')),
  staleAfterHours: Nullable(Type.Number({ description: 'the age at which the last success counts as stale; null: not watched' })),
  lastRun: Nullable(Type.Object({
    id: Type.String(),
    status: Type.String(),
    startedAt: DateTime(),
    finishedAt: Nullable(DateTime()),
    href: Type.String({ format: 'uri' })
  }, open))
}, { ...open, description: 'A configured CollectionSpace instance (no secrets)' })

export const InstancesSchema = Type.Object({
  _embedded: Type.Object({ instances: Type.Array(InstanceViewSchema) })
}, { description: 'Every configured instance' })

/** The JSON answer of an action (status 200, 201 or 202). */
export const ActionResultSchema = Type.Object({
  rsid: Type.Integer(),
  queryType: Type.String(),
  instance: Nullable(Type.String()),
  outcome: Type.String({ description: 'valid, updated, unchanged, pushed, already-pushed, reverted, status, …' }),
  message: Type.String(),
  transaction: Type.String({ description: 'id of the transaction that recorded it' }),
  wroteRs: Type.Boolean(),
  _links: Links('transaction, resource (RS), record (CS), link')
}, { ...open, description: 'The outcome of an action' })

/** A response of one media type. */
export function answer (mediaType: string, schema: TSchema, description: string) {
  return { description, content: { [mediaType]: { schema } } }
}

export const hal = (schema: TSchema, description: string) => answer('application/hal+json', schema, description)

const problemDescriptions: Record<number, string> = {
  400: 'Malformed input (problem+json with `errors`)',
  401: 'No or bad API key',
  403: 'The key lacks the scope',
  404: 'Unknown id',
  405: 'Method not allowed (with Allow)',
  409: 'A conflicting action or run is in flight',
  413: 'Request body too large',
  406: 'Not an available format',
  415: 'Unsupported content type',
  422: 'Well-formed but cannot be processed',
  429: 'Rate limited',
  500: 'Internal error',
  502: 'An upstream answered wrongly',
  503: 'Not ready',
  504: 'An upstream timed out'
}

/** Problem+json responses for the given statuses. */
export function problems<S extends number> (...statuses: S[]): Record<S, ReturnType<typeof answer>> {
  return Object.fromEntries(statuses.map(s => [s, answer('application/problem+json', ProblemSchema, problemDescriptions[s] ?? 'Problem')])) as Record<S, ReturnType<typeof answer>>
}

/** Who may call: an API key as Bearer, X-API-Key or `key=`. */
export const keySecurity: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }, { apiKeyQuery: [] }]
