/** The problem+json body (RFC 9457) for route response schemas and the OpenAPI document. */
import { Type } from '@fastify/type-provider-typebox'

export const ProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  code: Type.String({ description: 'stable machine-readable problem code' }),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String())
}, { additionalProperties: true })
