/**
 * Who may call: API keys from the config with scopes (`callback` may only press buttons, `resourcesync`
 * may only read the ResourceSync documents, `admin` may do everything), given as `Authorization: Bearer`,
 * `X-API-Key` or `key=`; or, for RS's api_webhooks buttons, the `hash` RS appends: hex
 * HMAC-SHA256(webhook secret, ref). Compared in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { ApiScope, Config } from '../config/schema.js'
import { SpacelinkError } from '../errors.js'

export type Scope = ApiScope

const scopeNames: Record<Scope, string> = { admin: 'admin API', callback: 'callback', resourcesync: 'ResourceSync documents' }

export interface Credentials {
  bearer?: string
  key?: string
  hash?: string
  /** The resource ref the hash must sign. */
  rsid?: number
}

export interface Principal {
  /** `session`: a person signed in to the status page with an admin key (src/auth/session.ts). */
  kind: 'key' | 'webhook-hash' | 'open' | 'metrics-token' | 'session'
  scopes: Scope[]
  /** A short, non-reversible id of the key for logs and rate limits. */
  id: string
}

/** Anonymous access only when the config says so explicitly: removing the keys must not open the API. */
export function authenticationRequired (config: Config): boolean {
  return !config.server.allowAnonymous
}

export function fingerprint (secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12)
}

function sameSecret (given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

export function webhookHash (secret: string, rsid: number): string {
  return createHmac('sha256', secret).update(String(rsid)).digest('hex')
}

type Headers = Record<string, string | string[] | undefined>

/** The credentials a request carries: `Authorization: Bearer`, else `X-API-Key`, else the `key` query parameter. */
export function credentialsFrom (headers: Headers, query: unknown): Credentials {
  const header = headers.authorization
  const bearer = typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined
  const apiKeyHeader = headers['x-api-key']
  const queryKey = (query as Record<string, unknown> | undefined)?.key
  const key = typeof apiKeyHeader === 'string' ? apiKeyHeader : typeof queryKey === 'string' ? queryKey : undefined
  return { ...(bearer === undefined ? {} : { bearer }), ...(key === undefined ? {} : { key }) }
}

/**
 * The one key a caller is judged by when it gives several: the Bearer token first. Authentication and the
 * rate limiter both ask this, so a junk second key can neither fail a good call nor buy a second bucket.
 */
export function presentedKey (creds: Credentials): string | undefined {
  const given = creds.bearer ?? creds.key
  return given === '' ? undefined : given
}

/** /metrics: the metrics token (when one is configured), else a key with the admin scope. */
export function authenticateMetrics (config: Config, creds: Credentials): Principal {
  const token = config.monitoring.metricsToken
  const given = presentedKey(creds)
  if (token !== '' && given !== undefined && sameSecret(given, token)) return { kind: 'metrics-token', scopes: [], id: fingerprint(token) }
  return authenticate(config, creds, 'admin')
}

/** Returns the caller's principal, or throws 401 (no or bad credentials) / 403 (missing scope). */
export function authenticate (config: Config, creds: Credentials, needed: Scope): Principal {
  if (!authenticationRequired(config)) return { kind: 'open', scopes: ['admin', 'callback', 'resourcesync'], id: 'open' }
  const given = presentedKey(creds)
  let principal: Principal | undefined
  if (given !== undefined) {
    const entry = config.server.apiKeys.find(k => sameSecret(given, k.key))
    if (entry === undefined) throw unauthorized('the API key is not valid')
    principal = { kind: 'key', scopes: [...entry.scopes], id: fingerprint(entry.key) }
  } else if (creds.hash !== undefined && creds.rsid !== undefined) {
    const secret = config.resourcespace.webhookSecret
    if (secret === undefined || !sameSecret(creds.hash.toLowerCase(), webhookHash(secret, creds.rsid))) throw unauthorized('the webhook hash does not match this resource')
    principal = { kind: 'webhook-hash', scopes: ['callback'], id: 'webhook' }
  }
  if (principal === undefined) throw unauthorized('an API key is required (Authorization: Bearer, X-API-Key or key=)')
  if (!principal.scopes.includes('admin') && !principal.scopes.includes(needed)) {
    throw new SpacelinkError('FORBIDDEN', 403, 'Forbidden', `this key may not use the ${scopeNames[needed]}`)
  }
  return principal
}

/**
 * What a caller may ask of the callback. A webhook `hash` proves only the resource ref (RS signs nothing
 * else, and RS shows the whole button URL in its alerts), so whoever holds one hash could change every
 * other parameter: a hash caller may run only the query types the museum declared for its buttons,
 * never with `force` (a new media version each time) and never `revert`.
 */
export function permitAction (config: Config, principal: Principal, action: { queryType: string, force: boolean }): void {
  if (principal.kind !== 'webhook-hash') return
  const allowed: readonly string[] = config.resourcespace.webhookQueryTypes
  if (action.queryType === 'revert' || !allowed.includes(action.queryType)) {
    throw new SpacelinkError('FORBIDDEN', 403, 'Forbidden', `a webhook hash may only run ${allowed.join(', ')}; ${action.queryType} needs an API key`)
  }
  if (action.force) throw new SpacelinkError('FORBIDDEN', 403, 'Forbidden', 'a webhook hash may not force a new push; that needs an API key')
}

function unauthorized (detail: string): SpacelinkError {
  return new SpacelinkError('UNAUTHORIZED', 401, 'Unauthorized', detail)
}
