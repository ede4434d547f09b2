/**
 * The configuration schema: the only declaration of what a spacelink config file may hold (docs/product.md §Configuration).
 * `Config` is derived from it with `Static`, so the type and the validation can never drift apart.
 *
 * Every object is closed (`additionalProperties: false`) so a misspelt key is an error, not a silent default.
 * Keys with a `default` are filled in by the loader before validation, which is why they are not optional in
 * `Config`. `errorMessage` is spacelink's own annotation: the message `checkConfig` shows when the value
 * breaks a constraint of that schema (a union, a pattern, a size), in the museum's words.
 */
import { Type, type Static, type TProperties, type ObjectOptions } from '@fastify/type-provider-typebox'

/** A closed object: unknown keys are reported instead of ignored. */
function closedObject<T extends TProperties> (properties: T, options: ObjectOptions = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options })
}

// A CS path such as `collectionobjects_common/titleGroupList/titleGroup/title`: local names, no namespace.
const CS_PATH_PATTERN = '^[A-Za-z_][A-Za-z0-9_.-]*(/[A-Za-z_][A-Za-z0-9_.-]*)*$'
const CS_PATH_MESSAGE = "must be a CollectionSpace path of local names separated by '/', e.g. collectionobjects_common/title"

/** A ResourceSpace metadata field: its numeric ref (e.g. 89) or its shortname (e.g. title). */
function fieldRef (description = 'A ResourceSpace metadata field: its numeric ref (e.g. 89) or its shortname (e.g. title)') {
  // Integer first: a digit string from the environment ('89') becomes the ref 89, not a shortname.
  return Type.Union([
    Type.Integer({ minimum: 1 }),
    Type.String({ pattern: '^[a-z0-9_]+$' })
  ], {
    description,
    errorMessage: 'must be a ResourceSpace field: a positive number (the ref) or a shortname of lowercase letters, digits and _'
  })
}

export const FieldRefSchema = fieldRef()

const MillisecondsSchema = (description: string, fallback: number) =>
  Type.Integer({ minimum: 1, default: fallback, description })

// Calls in flight are bounded by the adaptive width (sync.maxConcurrency), not by the pool. A pool below
// that ceiling made calls wait inside spacelink, and the limiter read the wait as upstream latency: at
// width 32, 16 connections gave 52 items/s and 64 gave 66–72 (bench/, 20 ms). A download gives its place
// back at its headers but holds its connection while the body streams, hence twice the ceiling. undici
// opens connections only when requests wait for one, so a larger pool costs nothing against a slow upstream.
const ConnectionsSchema = Type.Integer({
  minimum: 1,
  default: 128,
  description: 'Most simultaneous connections to this upstream (one undici Pool per origin); keep it above sync.maxConcurrency, which bounds the calls in flight (downloads hold a connection while their body streams)'
})

// ----------------------------------------------------------------------------------------------------------
// server
// ----------------------------------------------------------------------------------------------------------

export const ApiScopeSchema = Type.Union([Type.Literal('callback'), Type.Literal('resourcesync'), Type.Literal('admin')], {
  description: '`callback` may only call /api/v1/callback (RS buttons); `resourcesync` may only read the ResourceSync documents (with `resourcesync.access: key`); `admin` may call everything'
})

export const ApiKeySchema = closedObject({
  key: Type.String({ minLength: 16, description: 'The secret itself (from the environment); at least 16 characters' }),
  scopes: Type.Array(ApiScopeSchema, { minItems: 1, uniqueItems: true, description: 'What the key may do' })
}, { description: 'An API key and what it may do' })

export const ServerSchema = closedObject({
  host: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Listen address' }),
  port: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'Listen port (0: any free port)' }),
  publicUrl: Type.String({
    default: 'http://localhost:3000',
    description: 'Base URL callers reach spacelink at; used for absolute links in HAL, HTML and ResourceSync'
  }),
  apiKeys: Type.Array(ApiKeySchema, { default: [], description: 'API keys accepted in the `key` query parameter or the X-API-Key header' }),
  corsOrigins: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Origins allowed to call the API from a browser' }),
  rateLimit: closedObject({
    max: Type.Integer({ minimum: 1, default: 120, description: 'Requests allowed per client in each time window' }),
    timeWindow: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ minLength: 1 })], {
      default: '1 minute',
      description: "Length of the window: milliseconds, or text such as '1 minute'",
      errorMessage: "must be a number of milliseconds or a duration such as '1 minute'"
    })
  }, { default: {}, description: 'Per-client rate limit (@fastify/rate-limit)' }),
  bodyLimit: Type.Integer({ minimum: 1, default: 65536, description: 'Largest request body accepted, in bytes' }),
  webhookDeadlineMs: Type.Integer({
    minimum: 1,
    exclusiveMaximum: 60000,
    default: 45000,
    description: 'Time spacelink gives itself to answer an RS button; must stay below the 60 s after which RS gives up'
  }),
  logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)), {
    default: 'info',
    description: 'pino log level'
  }),
  allowAnonymous: Type.Boolean({
    default: false,
    description: 'Accept calls without any key (a closed test network only). Off: with no keys configured every call is refused'
  }),
  sessionHours: Type.Number({
    exclusiveMinimum: 0,
    maximum: 720,
    default: 12,
    description: 'How long a sign-in to the status page (with an admin key) lasts before the key is asked again'
  })
}, { default: {}, description: 'The HTTP server' })

// ----------------------------------------------------------------------------------------------------------
// database
// ----------------------------------------------------------------------------------------------------------

export const DatabaseSchema = closedObject({
  url: Type.String({
    pattern: '^(sqlite:|postgres://|postgresql://)',
    default: 'sqlite:./data/spacelink.db',
    description: '`sqlite:PATH` (embedded, zero setup) or a `postgres://` URL (several replicas)',
    errorMessage: 'must start with sqlite: (e.g. sqlite:./data/spacelink.db) or postgres://'
  }),
  retentionDays: Type.Integer({ minimum: 1, default: 90, description: 'Days the transaction log keeps finished runs' })
}, { default: {}, description: 'The durable store' })

// ----------------------------------------------------------------------------------------------------------
// resourcespace
// ----------------------------------------------------------------------------------------------------------

export const RsFieldsSchema = closedObject({
  accessionNumber: fieldRef('Holds the accession number (CS objectNumber)'),
  originalFilename: fieldRef('Holds the original file name'),
  synced: fieldRef('Flag spacelink sets once the resource is linked ("true"/"false")'),
  status: fieldRef('spacelink writes a one-line outcome here'),
  cspaceUrl: fieldRef("spacelink writes the CS record's UI URL here"),
  group: Type.Optional(fieldRef('Groups resources for push-resource-group (e.g. a film id)'))
}, { description: 'The RS fields spacelink reads or owns' })

export const ResourceSpaceSchema = closedObject({
  apiUrl: Type.String({ description: 'The RS API endpoint, e.g. https://dam.example.org/api/' }),
  user: Type.String({ minLength: 1, description: 'RS user spacelink acts as' }),
  key: Type.String({ minLength: 1, description: "That user's API key (from the environment)" }),
  webhookSecret: Type.Optional(Type.String({ minLength: 1, description: 'The `hash` secret of the api_webhooks buttons (HMAC-SHA256 of the ref)' })),
  webhookQueryTypes: Type.Array(Type.Union([
    'validate-cspace-id',
    'retrieve-metadata',
    'push-resource',
    'push-resource-group',
    'status'
  ].map(q => Type.Literal(q))), {
    default: ['validate-cspace-id', 'retrieve-metadata', 'push-resource', 'push-resource-group'],
    uniqueItems: true,
    description: 'What a caller proving itself only with the webhook `hash` may run (the buttons you configured). A hash signs the resource ref alone, so it never allows `force` or `revert`: those need an API key',
    errorMessage: 'must list query types of your buttons: validate-cspace-id, retrieve-metadata, push-resource, push-resource-group, status (never revert)'
  }),
  timeoutMs: MillisecondsSchema('Longest wait for an RS answer', 30000),
  connections: ConnectionsSchema,
  baseUrl: Type.Optional(Type.String({ description: 'RS web UI base for links to a resource; default: apiUrl without its trailing api/' })),
  fields: RsFieldsSchema
}, { description: 'The ResourceSpace spacelink talks to' })

// ----------------------------------------------------------------------------------------------------------
// instances
// ----------------------------------------------------------------------------------------------------------

export const CSpaceSchema = closedObject({
  servicesUrl: Type.String({ description: 'The CS services base, e.g. https://cs.example.org/cspace-services/' }),
  recordUrl: Type.String({
    pattern: '\\{csid\\}',
    description: "UI URL of an object record; {csid} is replaced by the record's CSID",
    errorMessage: "must contain {csid}, where the record's CSID goes"
  }),
  user: Type.String({ minLength: 1, description: 'CS user (from the environment)' }),
  password: Type.String({ minLength: 1, description: 'CS password (from the environment)' }),
  timeoutMs: MillisecondsSchema('Longest wait for a CS answer', 30000),
  connections: ConnectionsSchema
}, { description: 'How to reach this CollectionSpace tenant' })

export const FilenamePatternSchema = closedObject({
  pattern: Type.String({
    minLength: 1,
    description: 'Regular expression on the original filename; its first capture group (else the whole match) is the raw number'
  }),
  replace: Type.Array(Type.Tuple([Type.String(), Type.String()], {
    errorMessage: "must be a pair ['regular expression', 'replacement']"
  }), {
    default: [],
    description: 'Applied in order to the raw number: every match of the first item is replaced by the second ($1 refers to a group)'
  })
}, { description: 'Accession number from the original filename' })

export const AccessionNumberSchema = closedObject({
  fromField: Type.Boolean({ default: true, description: 'Read the accession number from resourcespace.fields.accessionNumber first' }),
  fromFilename: Type.Optional(FilenamePatternSchema)
}, { default: {}, description: 'Where the accession number of a resource comes from' })

export const TransferModeSchema = Type.Union([Type.Literal('stream'), Type.Literal('blob-uri')], {
  default: 'stream',
  description: '`stream`: spacelink streams the bytes RS → CS POST /blobs; `blob-uri`: CS fetches the RS URL itself'
})

export const DerivativeSchema = closedObject({
  sizes: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'RS preview sizes in order of preference; the first that exists wins' }),
  transfer: TransferModeSchema
}, { description: 'Which image goes to CS and how' })

export const MappingRuleSchema = closedObject({
  rsField: fieldRef('The RS field to fill'),
  cs: Type.String({ pattern: CS_PATH_PATTERN, description: 'Path into the CS collection object', errorMessage: CS_PATH_MESSAGE }),
  join: Type.String({ default: '; ', description: 'Joins repeated values' }),
  blankWhenEmpty: Type.Boolean({ default: false, description: 'Clear the RS field when CS has no value (default: leave it as it is)' }),
  rsFieldType: Type.Optional(Type.Union([Type.Literal('text'), Type.Literal('date'), Type.Literal('list')], {
    description: "The RS field's kind, so `config check` can tell a mapping RS would not keep without asking RS (a date field needs a CS structured date); `config check --online` reads it from RS",
    errorMessage: 'must be text, date or list'
  }))
}, { description: 'RS field ← value at a path in the CS collection object' })

const MediaFieldsSchema = (options: ObjectOptions) => Type.Record(
  Type.String({ pattern: CS_PATH_PATTERN }),
  Type.String(),
  { additionalProperties: false, keyMessage: CS_PATH_MESSAGE, ...options }
)

export const MediaRuleSchema = closedObject({
  whenFilename: Type.String({ minLength: 1, description: 'Regular expression on the original filename' }),
  set: MediaFieldsSchema({ description: 'Media fields to set when the filename matches' })
}, { description: 'Extra media fields for some files' })

export const MediaSchema = closedObject({
  fields: MediaFieldsSchema({
    default: {},
    description: 'CS media path → template ({accessionNumber}, {size}, {rsid}) written into every new media record'
  }),
  rules: Type.Array(MediaRuleSchema, { default: [], description: 'Rules applied in order; a later rule overrides an earlier one' })
}, { default: { fields: {}, rules: [] }, description: 'The media record spacelink creates for an image' })

export const InstanceSchema = closedObject({
  resourceTypes: Type.Array(Type.Integer({ minimum: 1 }), {
    minItems: 1,
    uniqueItems: true,
    description: 'RS resource types this instance handles (each type belongs to one instance)'
  }),
  cspace: CSpaceSchema,
  accessionNumber: AccessionNumberSchema,
  derivative: DerivativeSchema,
  mapping: Type.Array(MappingRuleSchema, { default: [], description: 'RS fields filled from the CS object record' }),
  media: MediaSchema,
  schedule: Type.Optional(Type.String({ description: 'Cron expression for the scheduled sync (server time); omit to disable' }))
}, { description: 'A CollectionSpace tenant and how RS resources map onto it' })

export const INSTANCE_NAME_PATTERN = '^[a-z][a-z0-9_-]*$'

export const InstancesSchema = Type.Record(Type.String({ pattern: INSTANCE_NAME_PATTERN }), InstanceSchema, {
  minProperties: 1,
  additionalProperties: false,
  description: 'Named CollectionSpace instances (art, film, …)',
  errorMessage: 'must define at least one instance',
  keyMessage: 'is not a valid instance name: use lowercase letters, digits, - and _, starting with a letter'
})

// ----------------------------------------------------------------------------------------------------------
// sync
// ----------------------------------------------------------------------------------------------------------

export const SyncSchema = closedObject({
  concurrency: Type.Integer({ minimum: 1, default: 8, description: 'Resources synced at the same time, and calls in flight per upstream, to start with' }),
  maxConcurrency: Type.Integer({
    minimum: 1,
    default: 64,
    description: 'Ceiling of the adaptive width per upstream (RS, each CS instance): it widens while latency stays flat and narrows when latency rises or the upstream answers 429/503 (or its proxy 502/504); equal to concurrency (or below it) keeps the width fixed'
  }),
  pageSize: Type.Integer({ minimum: 1, default: 200, description: 'Resources asked of RS per search page' }),
  retries: Type.Integer({ minimum: 0, default: 3, description: 'Retries of a failed retryable upstream call' }),
  retryBaseDelayMs: Type.Integer({ minimum: 0, default: 200, description: 'First retry delay; later ones back off' }),
  maxAttempts: Type.Integer({
    minimum: 1,
    default: 5,
    description: 'Nightly runs that try a resource whose upstream failed (the next night, then 2, 4, 8 nights later) before giving up'
  })
}, { default: {}, description: 'Bulk sync tuning' })

// ----------------------------------------------------------------------------------------------------------
// monitoring
// ----------------------------------------------------------------------------------------------------------

const HoursSchema = (description: string, fallback?: number) => Type.Number({
  exclusiveMinimum: 0,
  description,
  ...(fallback === undefined ? {} : { default: fallback })
})

export const MonitoringSchema = closedObject({
  metricsToken: Type.String({
    default: '',
    description: 'Bearer token that may read /metrics and nothing else (from the environment); empty: admin keys only'
  }),
  staleAfterHours: HoursSchema('A watched instance (one with a schedule) whose last successful sync ended longer ago than this is stale', 36),
  instances: Type.Record(Type.String({ pattern: INSTANCE_NAME_PATTERN }), closedObject({
    staleAfterHours: HoursSchema('This instance\'s own limit; also watches an instance that has no schedule')
  }), { default: {}, additionalProperties: false, description: 'Per-instance limits, by instance name' }),
  checkEveryMinutes: Type.Number({ exclusiveMinimum: 0, default: 10, description: 'How often the server looks for stale or failed instances' }),
  webhook: closedObject({
    url: Type.String({ default: '', description: 'POSTed a JSON notice per incident (from the environment); empty: off' }),
    token: Type.String({ default: '', description: 'Sent as Authorization: Bearer (from the environment); empty: none' })
  }, { default: {}, description: 'Notifications to a chat or paging webhook' }),
  email: closedObject({
    smtpUrl: Type.String({ default: '', description: 'smtp://user:password@host:587 or smtps://… (from the environment); empty: off' }),
    from: Type.String({ default: 'spacelink@localhost', description: 'Sender address' }),
    to: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Recipients of the notices' })
  }, { default: {}, description: 'Notifications by e-mail' })
}, { default: {}, description: 'Metrics access and notices of a failed or stale nightly sync' })
// resourcesync
// ----------------------------------------------------------------------------------------------------------

export const ResourceSyncAccessSchema = Type.Union([Type.Literal('public'), Type.Literal('key'), Type.Literal('off')], {
  default: 'public',
  description: '`public`: anyone may read the ResourceSync documents and link records (what ResourceSync clients expect: they send no keys); ' +
    '`key`: only with a key of scope `resourcesync` or `admin`; `off`: not published (404)'
})

export const ResourceSyncSchema = closedObject({
  access: ResourceSyncAccessSchema,
  maxListSize: Type.Integer({
    minimum: 1,
    maximum: 50000,
    default: 50000,
    description: 'Most entries in one Resource List or Change List document; a longer list is split into parts under an index. ' +
      'Change List parts are cut every maxListSize events: do not change it once harvesters follow the lists'
  })
}, { default: {}, description: 'ResourceSync publication of the links for harvesters (/.well-known/resourcesync)' })

// ----------------------------------------------------------------------------------------------------------
// the whole file
// ----------------------------------------------------------------------------------------------------------

export const ConfigSchema = closedObject({
  server: ServerSchema,
  database: DatabaseSchema,
  resourcespace: ResourceSpaceSchema,
  instances: InstancesSchema,
  sync: SyncSchema,
  monitoring: MonitoringSchema,
  resourcesync: ResourceSyncSchema
}, { description: 'A spacelink configuration (docs/product.md §Configuration)' })

export type Config = Static<typeof ConfigSchema>
export type FieldRef = Static<typeof FieldRefSchema>
export type ApiScope = Static<typeof ApiScopeSchema>
export type ApiKeyConfig = Static<typeof ApiKeySchema>
export type ServerConfig = Static<typeof ServerSchema>
export type DatabaseConfig = Static<typeof DatabaseSchema>
export type RsFieldsConfig = Static<typeof RsFieldsSchema>
export type ResourceSpaceConfig = Static<typeof ResourceSpaceSchema>
export type CSpaceConfig = Static<typeof CSpaceSchema>
export type FilenamePattern = Static<typeof FilenamePatternSchema>
export type AccessionNumberConfig = Static<typeof AccessionNumberSchema>
export type TransferMode = Static<typeof TransferModeSchema>
export type DerivativeConfig = Static<typeof DerivativeSchema>
export type MappingRule = Static<typeof MappingRuleSchema>
export type MediaRule = Static<typeof MediaRuleSchema>
export type MediaConfig = Static<typeof MediaSchema>
export type InstanceConfig = Static<typeof InstanceSchema>
export type SyncConfig = Static<typeof SyncSchema>
export type MonitoringConfig = Static<typeof MonitoringSchema>
export type ResourceSyncAccess = Static<typeof ResourceSyncAccessSchema>
export type ResourceSyncConfig = Static<typeof ResourceSyncSchema>

/** The instance whose `resourceTypes` include `resourceType` (the loader guarantees at most one). */
export function instanceForResourceType (config: Pick<Config, 'instances'>, resourceType: number): string | undefined {
  for (const [name, instance] of Object.entries(config.instances)) {
    if (instance.resourceTypes.includes(resourceType)) return name
  }
  return undefined
}

/** The RS web UI base (for links to a resource): `baseUrl`, else `apiUrl` without its trailing `api/`. */
export function resourceSpaceBaseUrl (rs: Pick<ResourceSpaceConfig, 'apiUrl' | 'baseUrl'>): string {
  if (rs.baseUrl !== undefined) return rs.baseUrl.endsWith('/') ? rs.baseUrl : `${rs.baseUrl}/`
  return rs.apiUrl.replace(/api\/?$/, '').replace(/\/?$/, '/')
}
