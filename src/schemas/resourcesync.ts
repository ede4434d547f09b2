/** Response schemas of the ResourceSync routes, for the OpenAPI document (bodies are XML or JSON bytes, not serialised objects). */
import { Type } from '@fastify/type-provider-typebox'
import { ProblemSchema } from './problem.js'
import { answer, problems } from './responses.js'

export const ResourceSyncResponses = {
  200: {
    description: 'A ResourceSync document (application/xml), or a link record (application/json)',
    content: {
      'application/xml': { schema: Type.String() },
      'application/json': { schema: Type.Object({}, { additionalProperties: true }) }
    }
  },
  304: { description: 'Not modified: the ETag or Last-Modified the client sent is current (no body)' },
  ...problems(401, 403, 404),
  410: answer('application/problem+json', ProblemSchema, 'The link record\'s media was deleted in CollectionSpace')
}

/** Open by default (`resourcesync.access: public`); with `access: key`, an API key of scope resourcesync or admin. */
export const resourceSyncSecurity: Array<Record<string, string[]>> = [{}, { bearer: [] }, { apiKey: [] }, { apiKeyQuery: [] }]
