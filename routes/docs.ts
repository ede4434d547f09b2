/** GET /docs/problems — what every problem code means and what to do about it (the target of each `type`). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@fastify/type-provider-typebox'
import { problemsPage } from '../src/http/problems-page.js'
import { answer, problems } from '../src/schemas/responses.js'

const docs: FastifyPluginAsyncTypebox = async function docs (fastify) {
  const page = problemsPage()
  fastify.get('/docs/problems', {
    schema: {
      tags: ['operations'],
      operationId: 'problemDocs',
      summary: 'Every problem code explained (HTML)',
      security: [],
      response: { 200: answer('text/html', Type.String(), 'The problems page'), ...problems(429) }
    }
  }, async function problemDocs (_request, reply) {
    return await reply.type('text/html; charset=utf-8').cacheControl('public').cacheControl('max-age', '1h').send(page)
  })
}

export default docs
