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
  kind: 'key' | 'webhook-hash' | 'open'
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

/** Returns the caller's principal, or throws 401 (no or bad credentials) / 403 (missing scope). */
export function authenticate (config: Config, creds: Credentials, needed: Scope): Principal {
  if (!authenticationRequired(config)) return { kind: 'open', scopes: ['admin', 'callback', 'resourcesync'], id: 'open' }
  const given = creds.bearer ?? creds.key
  let principal: Principal | undefined
  if (given !== undefined && given !== '') {
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

function unauthorized (detail: string): SpacelinkError {
  return new SpacelinkError('UNAUTHORIZED', 401, 'Unauthorized', detail)
}
