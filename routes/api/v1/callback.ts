/**
 * The one endpoint RS buttons, browsers and scripts call: `POST /api/v1/callback` runs an action;
 * `GET /api/v1/callback` only shows a confirmation page (a GET never writes: it reads RS and CS to say
 * what pressing would do, and records nothing).
 *
 * CSRF: a caller that gives its key or hash (RS's api_webhooks, scripts, an RS plugin form) brings a
 * credential a foreign page cannot know, and keeps working without a token. A person signed in to the
 * status page brings only a cookie, which a foreign page could make the browser send: such a POST needs
 * the form token of one of spacelink's pages. A token that is present is always checked.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { parseCallbackParams, rsSizeCodes, type CallbackParams } from '../../../src/callback/parse-params.js'
import { respond } from '../../../src/callback/respond.js'
import { previewAction } from '../../../src/actions/preview.js'
import { csrfTokenOf } from '../../../src/http/form.js'
import { problemFromError } from '../../../src/http/problem.js'
import { apiUrl, rsResourceUrl, signInUrl } from '../../../src/http/links.js'
import { prefersHtml } from '../../../src/http/negotiate.js'
import { confirmPage } from '../../../src/pages/confirm-page.js'
import { problemPage } from '../../../src/pages/problem-page.js'
import { credentialsFrom, permitAction, presentedKey } from '../../../src/auth/api-keys.js'
import { isRecord } from '../../../src/util/records.js'
import type { Caller } from '../../../src/vocabulary.js'
import { CallbackBodySchema, CallbackQuerySchema, CallbackResponses, ConfirmResponses } from '../../../src/schemas/callback.js'

/** The parameters are validated by parseCallbackParams, in every caller style alike; the schemas only document them. */
const documentedOnly = (): (() => boolean) => () => true
const callbackSecurity: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }, { apiKeyQuery: [] }, { webhookHash: [] }]

const callback: FastifyPluginAsyncTypebox = async function callback (fastify) {
  const sizes = [...new Set([...rsSizeCodes, ...Object.values(fastify.spacelink.config.instances).flatMap(i => i.derivative.sizes)])]
  // Forms are read as text: the api_webhooks body is a bare ref (`42`), which a form parser would turn into a key.
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => { done(null, body) })
  fastify.removeContentTypeParser('text/plain')

  /** GET /api/v1/callback — confirmation page with a POST button. */
  fastify.get('/callback', {
    validatorCompiler: documentedOnly,
    schema: {
      tags: ['callback'],
      operationId: 'confirmAction',
      summary: 'Confirmation page for a button link (writes nothing)',
      security: callbackSecurity,
      querystring: CallbackQuerySchema,
      response: ConfirmResponses
    }
  }, async function confirm (request, reply) {
    reply.preventCache()
    let rsid: number | undefined
    try {
      const params = parseCallbackParams(request.query, undefined, sizes)
      rsid = params.rsid
      // The page shows RS and CS data, so it is for callers who may press the button, no one else.
      const principal = fastify.authorize(request, 'callback', credentialsOfParams(params), { session: true })
      permitAction(fastify.spacelink.config, principal, params)
      const preview = await previewAction(fastify.spacelink, params)
      const html = confirmPage({
        queryType: params.queryType,
        rsid: params.rsid,
        dryRun: params.dryRun,
        force: params.force,
        hidden: {
          rsid: String(params.rsid),
          query_type: params.queryType,
          instance: params.instance,
          size: params.size,
          transaction: params.transaction,
          dry_run: params.dryRun ? 'true' : undefined,
          force: params.force ? 'true' : undefined,
          key: params.key,
          hash: params.hash
        },
        action: apiUrl(fastify.spacelink.config, '/api/v1/callback'),
        csrf: reply.generateCsrf(),
        resourceUrl: rsResourceUrl(fastify.spacelink.config, params.rsid),
        preview,
        chrome: fastify.chromeOf(request, reply)
      })
      return reply.sendPage(html, { images: [preview.resource?.thumbnailUrl] })
    } catch (err) {
      return await sendError(reply, 'browser', err, request, rsid)
    }
  })

  /** POST /api/v1/callback — run `query_type` for resource `rsid`. */
  fastify.post('/callback', {
    validatorCompiler: documentedOnly,
    config: { htmlErrors: true },
    preHandler: function csrfWhenNeeded (request, reply, done) {
      const signedInOnly = !explicitCredentials(request) && fastify.sessionOf(request) !== undefined
      if (csrfTokenOf(request) === undefined && !signedInOnly) {
        done()
        return
      }
      fastify.csrfProtection(request, reply, done)
    },
    schema: {
      tags: ['callback'],
      operationId: 'runAction',
      summary: 'Run an action for an RS resource',
      description: 'Parameters come from the query string, a urlencoded form, a JSON body, or (RS api_webhooks) the query string with the bare resource ref as a urlencoded body; a parameter given twice must agree.',
      security: callbackSecurity,
      querystring: CallbackQuerySchema,
      body: CallbackBodySchema,
      response: CallbackResponses
    }
  }, async function run (request, reply) {
    let caller: Caller = callerFromHeaders(request)
    let rsid: number | undefined
    reply.preventCache()
    try {
      const params = parseCallbackParams(request.query, request.body, sizes)
      rsid = params.rsid
      caller = params.bareRef || params.replyRs ? 'api_webhooks' : caller
      // The sign-in counts here only because csrfWhenNeeded checked the form token of a cookie-only caller.
      const principal = fastify.authorize(request, 'callback', credentialsOfParams(params), { session: true })
      permitAction(fastify.spacelink.config, principal, params)
      const result = await fastify.spacelink.run(actionRequest(params, caller, fastify.spacelink.config.server.webhookDeadlineMs, request.id))
      return await respond(reply, fastify.spacelink.config, caller, result, { chrome: caller === 'browser' ? fastify.chromeOf(request, reply) : {} })
    } catch (err) {
      return await sendError(reply, caller, err, request, rsid)
    }
  })

  /** A key or hash in the headers, the query string or the body: a credential no foreign page can know. */
  function explicitCredentials (request: FastifyRequest): boolean {
    if (presentedKey(credentialsFrom(request.headers, request.query)) !== undefined) return true
    const query = isRecord(request.query) ? request.query : {}
    const body = typeof request.body === 'string' ? Object.fromEntries(new URLSearchParams(request.body)) : isRecord(request.body) ? request.body : {}
    return [query, body].some(source => ['key', 'hash'].some(name => typeof source[name] === 'string' && source[name] !== ''))
  }

  function callerFromHeaders (request: FastifyRequest): Caller {
    return prefersHtml(request.headers.accept) ? 'browser' : 'json'
  }

  async function sendError (reply: FastifyReply, caller: Caller, err: unknown, request: FastifyRequest, rsid?: number): Promise<FastifyReply> {
    if (caller !== 'browser') throw err
    const body = problemFromError(err)
    if (body.status >= 500) request.log.error({ err }, 'callback failed')
    const config = fastify.spacelink.config
    const links = {
      ...(rsid === undefined ? {} : { resource: rsResourceUrl(config, rsid) }),
      // Without any credential, a person may sign in to the status page and come back signed in.
      ...(body.status === 401 && !explicitCredentials(request) ? { login: signInUrl(config, request.url) } : {})
    }
    return reply.sendPage(problemPage(body.title, body.detail ?? body.title, links, fastify.chromeOf(request, reply)), { status: body.status })
  }
}

function credentialsOfParams (params: CallbackParams): { key?: string, hash?: string, rsid: number } {
  return { ...(params.key === undefined ? {} : { key: params.key }), ...(params.hash === undefined ? {} : { hash: params.hash }), rsid: params.rsid }
}

function actionRequest (
  params: CallbackParams,
  caller: Caller,
  deadlineMs: number,
  requestId: string
): Parameters<import('../../../src/spacelink.js').Spacelink['run']>[0] {
  return {
    rsid: params.rsid,
    queryType: params.queryType,
    caller,
    dryRun: params.dryRun,
    force: params.force,
    ...(params.instance === undefined ? {} : { instance: params.instance }),
    ...(params.size === undefined ? {} : { size: params.size }),
    ...(params.transaction === undefined ? {} : { transaction: params.transaction }),
    ...(caller === 'api_webhooks' ? { deadlineMs } : {}),
    requestId
  }
}

export default callback
