/**
 * The callback's parameters as the OpenAPI document shows them. They are the same in every caller style
 * (query string, urlencoded form, JSON body), plus the api_webhooks body: the bare resource ref. The route
 * validates them itself (src/callback/parse-params.ts), so these schemas document and never coerce.
 */
import { Type } from '@fastify/type-provider-typebox'
import { queryTypes } from '../actions/types.js'
import { ActionResultSchema, answer, hal, problems } from './responses.js'

const parameters = {
  rsid: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1, description: 'the ResourceSpace resource ref (in the api_webhooks style: appended to the URL and sent as the bare body)' }),
  query_type: Type.Union(queryTypes.map(q => Type.Literal(q)), { description: 'the action' }),
  instance: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,62}$', description: 'CollectionSpace instance; default: the one whose resource types include the resource type' }),
  dry_run: Type.Boolean({ description: 'retrieve-metadata: write nothing, answer the diff' }),
  force: Type.Boolean({ description: 'push-resource: push again although already pushed (never for hash callers)' }),
  size: Type.String({ pattern: '^[a-z0-9]{1,16}$', description: 'push-resource: RS derivative size code, e.g. scr' }),
  transaction: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', description: 'revert: the transaction whose RS writes are undone' }),
  reply: Type.Literal('rs', { description: 'answer like the api_webhooks caller (200 text once written to RS)' }),
  hash: Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'api_webhooks: hex HMAC-SHA256(webhook secret, rsid), instead of a key' })
}

const { rsid, query_type: queryType, ...optional } = parameters

/** Query string (every parameter optional there: they may come in the body instead). */
export const CallbackQuerySchema = Type.Partial(Type.Object(parameters))

/** A form or JSON body with named parameters. */
export const CallbackParamsSchema = Type.Object({
  rsid,
  query_type: queryType,
  ...Object.fromEntries(Object.entries(optional).map(([k, v]) => [k, Type.Optional(v)])),
  _csrf: Type.Optional(Type.String({ description: 'the form token of spacelink\'s own pages (confirmation and status pages); required when the caller is signed in to the status page instead of giving a key' }))
}, { description: 'the parameters; any of them may instead be in the query string' })

/** RS api_webhooks: `Content-type: application/x-www-form-urlencoded`, body = the bare ref. */
export const BareRefSchema = Type.String({ pattern: '^[0-9]+$', description: 'api_webhooks: the bare resource ref, e.g. 42', example: '42' })

export const CallbackBodySchema = {
  content: {
    'application/x-www-form-urlencoded': { schema: Type.Union([CallbackParamsSchema, BareRefSchema]) },
    'application/json': { schema: CallbackParamsSchema }
  }
}

const text = (description: string) => answer('text/plain', Type.String(), description)
const html = Type.String({ description: 'a result page for a browser (Accept: text/html)' })

function outcomeAnswer (description: string) {
  const json = hal(ActionResultSchema, description)
  return {
    description,
    content: {
      ...json.content,
      'text/plain': text('api_webhooks and reply=rs: `<outcome>: <sentence>`').content['text/plain'],
      'text/html': { schema: html }
    }
  }
}

export const CallbackResponses = {
  200: outcomeAnswer('Done, or nothing new (api_webhooks callers get 200 for every outcome written to RS)'),
  201: { ...outcomeAnswer('Pushed: a new media record (Location names the link)'), headers: { location: { type: 'string', description: 'URL of the link' } } },
  202: {
    ...outcomeAnswer('The push goes on in the background (Location names the transaction)'),
    headers: { location: { type: 'string', description: 'URL of the transaction' } }
  },
  ...problems(400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 502, 503, 504)
}

export const ConfirmResponses = {
  200: answer('text/html', html, 'A confirmation page with a POST button (writes nothing)'),
  ...problems(400, 401, 403, 429)
}
