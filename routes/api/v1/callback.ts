/**
 * The one endpoint RS buttons, browsers and scripts call: `POST /api/v1/callback` runs an action;
 * `GET /api/v1/callback` only shows a confirmation page (a GET never writes).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { parseCallbackParams, rsSizeCodes, type CallbackParams } from '../../../src/callback/parse-params.js'
import { confirmPage, prefersHtml, problemPage } from '../../../src/callback/html.js'
import { respond } from '../../../src/callback/respond.js'
import { problemFromError } from '../../../src/http/problem.js'
import { rsResourceUrl } from '../../../src/http/links.js'
import { permitAction } from '../../../src/auth/api-keys.js'
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
    try {
      const params = parseCallbackParams(request.query, undefined, sizes)
      return await reply.type('text/html; charset=utf-8').send(confirmPage(params, request.url.split('?')[0] ?? '/api/v1/callback'))
    } catch (err) {
      return await sendError(reply, 'browser', err, request)
    }
  })

  /** POST /api/v1/callback — run `query_type` for resource `rsid`. */
  fastify.post('/callback', {
    validatorCompiler: documentedOnly,
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
      const principal = fastify.authorize(
        request,
        'callback',
        { ...(params.key === undefined ? {} : { key: params.key }), ...(params.hash === undefined ? {} : { hash: params.hash }), rsid: params.rsid }
      )
      permitAction(fastify.spacelink.config, principal, params)
      const result = await fastify.spacelink.run(actionRequest(params, caller, fastify.spacelink.config.server.webhookDeadlineMs, request.id))
      return await respond(reply, fastify.spacelink.config, caller, result)
    } catch (err) {
      return await sendError(reply, caller, err, request, rsid)
    }
  })

  function callerFromHeaders (request: FastifyRequest): Caller {
    return prefersHtml(request.headers.accept) ? 'browser' : 'json'
  }

  async function sendError (reply: FastifyReply, caller: Caller, err: unknown, request: FastifyRequest, rsid?: number): Promise<FastifyReply> {
    if (caller !== 'browser') throw err
    const body = problemFromError(err)
    if (body.status >= 500) request.log.error({ err }, 'callback failed')
    const back = rsid === undefined ? undefined : rsResourceUrl(fastify.spacelink.config, rsid)
    return await reply.code(body.status).type('text/html; charset=utf-8').send(problemPage(body.title, body.detail ?? body.title, back))
  }
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
