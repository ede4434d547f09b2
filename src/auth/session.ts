/**
 * The status page's sign-in: a person gives an admin key once; the browser then holds a cookie naming
 * that key (by its fingerprint, never the key) and when the sign-in ends. The cookie is signed (by
 * @fastify/cookie, with `sessionSecret`), so it cannot be made or stretched without the secret, and it
 * holds nothing secret itself. Nothing is kept on the server: any replica with the same configuration
 * accepts it, and removing the key from the configuration ends every session it opened.
 */
import { createHmac, randomBytes } from 'node:crypto'
import type { Config } from '../config/schema.js'
import { SpacelinkError } from '../errors.js'
import { authenticate, authenticationRequired, fingerprint, type Principal } from './api-keys.js'

/** `__Host-` (over https) tells the browser: this host only, path `/`, Secure — no sibling domain can set it. */
export function sessionCookieName (secure: boolean): string {
  return secure ? '__Host-spacelink-session' : 'spacelink-session'
}

export function csrfCookieName (secure: boolean): string {
  return secure ? '__Host-spacelink-csrf' : 'spacelink-csrf'
}

/** True when people reach spacelink over https: its cookies are then sent over https only. */
export function securePublicUrl (config: Config): boolean {
  return new URL(config.server.publicUrl).protocol === 'https:'
}

/**
 * The key cookies are signed with. Derived from the admin keys, so every replica of one configuration
 * agrees without another secret to distribute, and rotating the admin keys ends old sessions. Without
 * admin keys nobody can sign in, and a random key serves the CSRF cookie alone.
 */
export function sessionSecret (config: Config): string {
  const admin = config.server.apiKeys.filter(k => k.scopes.includes('admin')).map(k => k.key).sort()
  if (admin.length === 0) return randomBytes(32).toString('base64url')
  return createHmac('sha256', 'spacelink status-page session v1').update(admin.join('\u0000')).digest('base64url')
}

export interface OpenedSession {
  /** The cookie's value before signing: `<key fingerprint>.<expiry in epoch seconds>`. */
  value: string
  maxAgeSeconds: number
}

/** Signs a person in with a key: only an admin key opens the status page (401 wrong key, 403 a narrower one). */
export function openSession (config: Config, key: string, now: Date): OpenedSession {
  if (key.trim() === '') throw new SpacelinkError('UNAUTHORIZED', 401, 'Unauthorized', 'enter the admin key')
  const principal = authenticate(config, { key: key.trim() }, 'admin')
  const maxAgeSeconds = Math.round(config.server.sessionHours * 3600)
  const expires = Math.floor(now.getTime() / 1000) + maxAgeSeconds
  return { value: `${principal.id}.${expires}`, maxAgeSeconds }
}

/**
 * The principal of a (verified) session cookie value, or undefined when it has ended or its key is no
 * longer an admin key. With anonymous access on, everyone is signed in.
 */
export function sessionPrincipal (config: Config, value: string | undefined, now: Date): Principal | undefined {
  if (!authenticationRequired(config)) return { kind: 'open', scopes: ['admin', 'callback', 'resourcesync'], id: 'open' }
  const match = /^([0-9a-f]{12})\.(\d{1,12})$/.exec(value ?? '')
  if (match === null) return undefined
  const [, id = '', expires = '0'] = match
  if (Number(expires) * 1000 <= now.getTime()) return undefined
  const admin = config.server.apiKeys.some(k => k.scopes.includes('admin') && fingerprint(k.key) === id)
  return admin ? { kind: 'session', scopes: ['admin'], id } : undefined
}
