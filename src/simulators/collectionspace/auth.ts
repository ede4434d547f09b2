/**
 * HTTP Basic authentication as CS does it: every path but a few public ones needs it, the tenant is the
 * user's tenant, and missing or wrong credentials get Tomcat's HTML 401 page (not text/plain).
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { unauthorizedPage } from './documents.js'
import type { CsStore, TenantStore } from './store.js'

export interface Caller {
  user: string
  tenant: TenantStore
}

const callers = new WeakMap<FastifyRequest, Caller>()

/** The authenticated caller of a request that passed `requireAuth`. */
export function callerOf (request: FastifyRequest): Caller {
  const caller = callers.get(request)
  if (caller === undefined) throw new Error('request was not authenticated')
  return caller
}

export function parseBasic (header: string | undefined): { user: string, password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')
  if (match === null) return undefined
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon === -1 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/** Answers 401 (and ends the request) unless the request carries a known user's credentials. */
export async function requireAuth (store: CsStore, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const credentials = parseBasic(request.headers.authorization)
  const tenant = credentials === undefined ? undefined : store.authenticate(credentials.user, credentials.password)
  if (credentials === undefined || tenant === undefined) {
    return await reply
      .code(401)
      .header('www-authenticate', 'Basic realm="Realm"')
      .type('text/html;charset=utf-8')
      .send(unauthorizedPage())
  }
  callers.set(request, { user: credentials.user, tenant })
  return undefined
}
