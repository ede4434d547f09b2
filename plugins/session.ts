/**
 * Cookies for people: the status page's signed session cookie (src/auth/session.ts) and CSRF tokens for
 * every button a page shows.
 *
 * Chosen: @fastify/cookie (signed cookies, pure JS) with @fastify/csrf-protection in its cookie mode.
 * A session needs to hold only "this admin key, until then", which a signed cookie says without a
 * server-side store, so replicas behind a load balancer share sessions through the configuration alone.
 * @fastify/session would need a store in SQLite/PostgreSQL (its memory store is per process), and
 * @fastify/secure-session encrypts what needs no secrecy at the price of a native addon (sodium-native).
 *
 * The CSRF secret lives in its own signed, HttpOnly, SameSite=Strict cookie; each form carries a token
 * made from it (`reply.generateCsrf()`), checked by `fastify.csrfProtection` on the POST.
 */
import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import csrfProtection from '@fastify/csrf-protection'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppOptions } from '../src/app.js'
import type { Principal } from '../src/auth/api-keys.js'
import { csrfCookieName, securePublicUrl, sessionCookieName, sessionPrincipal, sessionSecret, type OpenedSession } from '../src/auth/session.js'
import { csrfTokenOf } from '../src/http/form.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The person signed in to the status page, if any (a valid, unexpired session cookie). */
    sessionOf: (request: FastifyRequest) => Principal | undefined
  }
  interface FastifyReply {
    startSession: (session: OpenedSession) => FastifyReply
    endSession: () => FastifyReply
  }
}

export default fp<AppOptions>(async function sessionPlugin (fastify, opts) {
  const { config } = opts
  const secure = securePublicUrl(config)
  const sessionCookie = sessionCookieName(secure)
  // Lax: a link from RS or an e-mail to the status page arrives signed in; a cross-site POST never carries it.
  const sessionOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure, signed: true } as const

  await fastify.register(cookie, { secret: sessionSecret(config) })
  await fastify.register(csrfProtection, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: csrfCookieName(secure),
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure, signed: true },
    getToken: csrfTokenOf
  })

  fastify.decorate('sessionOf', function sessionOf (request: FastifyRequest) {
    const raw = request.cookies[sessionCookie]
    if (raw === undefined) return sessionPrincipal(config, undefined, fastify.spacelink.now())
    const unsigned = request.unsignCookie(raw)
    return sessionPrincipal(config, unsigned.valid ? unsigned.value ?? undefined : undefined, fastify.spacelink.now())
  })
  fastify.decorateReply('startSession', function startSession (this: FastifyReply, session: OpenedSession) {
    return this.setCookie(sessionCookie, session.value, { ...sessionOptions, maxAge: session.maxAgeSeconds })
  })
  fastify.decorateReply('endSession', function endSession (this: FastifyReply) {
    return this.clearCookie(sessionCookie, sessionOptions)
  })
}, { name: 'session', dependencies: ['spacelink'] })
