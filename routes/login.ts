/**
 * Signing in to the status page (GET/POST /login) and out (POST /logout). The admin key is asked once and
 * never stored in the browser: the answer is a signed session cookie (plugins/session.ts). Every form
 * carries a CSRF token, the sign-in form too, so no other site can sign a browser in or out.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { openSession } from '../src/auth/session.js'
import { SpacelinkError } from '../src/errors.js'
import { localPath, parseForm } from '../src/http/form.js'
import { apiUrl } from '../src/http/links.js'
import { problemFromError } from '../src/http/problem.js'
import { loginPage } from '../src/pages/login-page.js'

const login: FastifyPluginAsyncTypebox = async function login (fastify) {
  const { config } = fastify.spacelink
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseForm(String(body)))
    } catch (err) {
      done(err as Error, undefined)
    }
  })

  function form (request: FastifyRequest, reply: FastifyReply, next: string, error?: string, status = 200): FastifyReply {
    return reply.sendPage(loginPage({
      action: apiUrl(config, '/login'),
      csrf: reply.generateCsrf(),
      next,
      ...(error === undefined ? {} : { error })
    }), { status })
  }

  fastify.get('/login', { schema: { hide: true }, config: { htmlErrors: true } }, async function showLogin (request, reply) {
    const next = localPath((request.query as Record<string, unknown>).next)
    if (fastify.sessionOf(request) !== undefined) return reply.redirect(apiUrl(config, next), 303)
    return form(request, reply, next)
  })

  fastify.post('/login', {
    schema: { hide: true },
    config: { htmlErrors: true },
    preHandler: fastify.csrfProtection
  }, async function signIn (request, reply) {
    const fields = request.body as Record<string, string>
    const next = localPath(fields.next)
    try {
      const session = openSession(config, fields.key ?? '', fastify.spacelink.now())
      request.log.info('signed in to the status page')
      return reply.startSession(session).redirect(apiUrl(config, next), 303)
    } catch (err) {
      if (!(err instanceof SpacelinkError) || (err.status !== 401 && err.status !== 403)) throw err
      const problem = problemFromError(err)
      return form(request, reply, next, err.status === 403 ? 'This key may not open the status page: it needs the admin scope.' : `Not signed in: ${problem.detail ?? 'wrong key'}.`, err.status)
    }
  })

  fastify.post('/logout', {
    schema: { hide: true },
    config: { htmlErrors: true },
    preHandler: fastify.csrfProtection
  }, async function signOut (_request, reply) {
    return reply.endSession().redirect(apiUrl(config, '/login'), 303)
  })
}

export default login
