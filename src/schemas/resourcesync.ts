/** Response schemas of the ResourceSync routes, for the OpenAPI document (bodies are XML or JSON bytes, not serialised objects). */
import { Type } from '@fastify/type-provider-typebox'
import { ProblemSchema } from './problem.js'

export const ResourceSyncResponses = {
  200: {
    description: 'A ResourceSync document (application/xml), or a link record (application/json)',
    content: {
      'application/xml': { schema: Type.String() },
      'application/json': { schema: Type.Object({}, { additionalProperties: true }) }
    }
  },
  304: Type.Null({ description: 'Not modified: the ETag or Last-Modified the client sent is current' }),
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  410: ProblemSchema
}
