/**
 * What every page for people needs from the server: `reply.sendPage(html)` with the page headers
 * (Content-Security-Policy, no Referer, no cache; src/pages/headers.ts), and `fastify.chromeOf` — the
 * header of a signed-in person (links to the status page, a sign-out button with its CSRF token).
 */
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppOptions } from '../src/app.js'
import { apiUrl } from '../src/http/links.js'
import { originOf, pageHeaders } from '../src/pages/headers.js'
import type { Chrome } from '../src/pages/layout.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The page header for this request's person: signed in (status links, sign-out) or not. */
    chromeOf: (request: FastifyRequest, reply: FastifyReply) => Chrome
  }
  interface FastifyReply {
    /** Sends a page with the page headers; `images`: more origins thumbnails may come from. */
    sendPage: (html: string, opts?: { status?: number, images?: Array<string | undefined> }) => FastifyReply
  }
  interface FastifyContextConfig {
    /** Errors of this route are pages for browsers (Accept: text/html), problem+json for programs. */
    htmlErrors?: boolean
  }
}

export default fp<AppOptions>(async function pagesPlugin (fastify, opts) {
  const { config } = opts
  const rsOrigin = originOf(config.resourcespace.baseUrl ?? config.resourcespace.apiUrl)
  fastify.decorateReply('sendPage', function sendPage (this: FastifyReply, html: string, pageOpts: { status?: number, images?: Array<string | undefined> } = {}) {
    const images = [rsOrigin, ...(pageOpts.images ?? []).map(originOf)].filter((o): o is string => o !== undefined)
    return this.code(pageOpts.status ?? 200).headers(pageHeaders(images)).type('text/html; charset=utf-8').send(html)
  })
  fastify.decorate('chromeOf', function chromeOf (request: FastifyRequest, reply: FastifyReply): Chrome {
    if (fastify.sessionOf(request) === undefined) return {}
    return { signedIn: { statusUrl: apiUrl(config, '/'), logoutUrl: apiUrl(config, '/logout'), csrf: reply.generateCsrf() } }
  })
}, { name: 'pages', dependencies: ['session'] })
