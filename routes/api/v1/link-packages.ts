/**
 * Links as downloadable packages (docs/package-export.md): one link's package, and every finished link of
 * an instance for auditors. GET streams the archive as it is made; HEAD answers the same headers without
 * asking RS or CS anything. Admin scope.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@fastify/type-provider-typebox'
import { downloadHeaders, packageFilename } from '../../../src/export/filenames.js'
import { gzipFlag, packageFormat } from '../../../src/export/formats.js'
import { instancePackageName, instancePackageStream } from '../../../src/export/instance-package.js'
import { linkPackageStream, prepareLinkPackage } from '../../../src/export/link-package.js'
import { packagedLink } from '../../../src/export/package-contents.js'
import { sourceUrl } from '../../../src/export/source-url.js'
import { keySecurity, problems } from '../../../src/schemas/responses.js'
import { requireInstance } from '../../../src/config/instances.js'

const PackageParamsSchema = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }),
  format: Type.String({ description: 'zip, tar or tar.gz; anything else is 406' })
})
const InstanceParamsSchema = Type.Object({ format: Type.String({ description: 'zip, tar or tar.gz; anything else is 406' }) })

const common = {
  image: Type.Boolean({ default: true, description: 'include the derivative image (fetched from RS again)' }),
  gzip: Type.Optional(Type.String({ maxLength: 5, description: 'with .tar: gzip it (same as .tar.gz)' })),
  key: Type.Optional(Type.String({ description: 'API key, for a plain download link (prefer the X-API-Key header)' }))
}
const PackageQuerySchema = Type.Object(common, { additionalProperties: false })
const InstanceQuerySchema = Type.Object({ ...common, instance: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,62}$' }) }, { additionalProperties: false })

/** The archive bytes, by format; failures before the first byte are problems. */
const PackageResponses = {
  200: {
    description: 'The package, streamed as it is made (Content-Disposition: attachment)',
    content: Object.fromEntries(['application/zip', 'application/x-tar', 'application/gzip'].map(type => [type, { schema: Type.String({ format: 'binary' }) }]))
  },
  ...problems(400, 401, 403, 404, 406, 409, 502)
}

const linkPackages: FastifyPluginAsyncTypebox = async function linkPackages (fastify) {
  fastify.addHook('onRequest', fastify.adminOnly)

  /** GET|HEAD /api/v1/links/:id/package.zip|.tar|.tar.gz (HEAD asks neither RS nor CS) */
  for (const method of ['GET', 'HEAD'] as const) {
    fastify.route({
      method,
      // Our own HEAD asks neither RS nor CS (Fastify's automatic one would run the GET handler).
      exposeHeadRoute: false,
      url: '/links/:id/package.:format',
      schema: {
        tags: ['links'],
        operationId: method === 'GET' ? 'linkPackage' : 'linkPackageHeaders',
        summary: 'One link as a zip, tar or tar.gz package',
        security: keySecurity,
        params: PackageParamsSchema,
        querystring: PackageQuerySchema,
        response: PackageResponses
      },
      handler: async function linkPackage (request, reply) {
        const format = packageFormat(request.params.format, gzipFlag(request.query.gzip))
        const { spacelink } = fastify
        const link = await packagedLink(spacelink.store, request.params.id)
        const headers = downloadHeaders(format, packageFilename(link.objectNumber, link.rsid, format.extension))
        if (request.method === 'HEAD') return await reply.headers(headers).send()
        const parts = await prepareLinkPackage(spacelink, link, { image: request.query.image })
        return await reply.headers(headers).send(linkPackageStream(
          spacelink,
          parts,
          format,
          { source: sourceUrl(spacelink.config, request.url), log: request.log }
        ))
      }
    })
  }

  /** GET|HEAD /api/v1/links/package.tar.gz?instance= */
  for (const method of ['GET', 'HEAD'] as const) {
    fastify.route({
      method,
      // Our own HEAD asks neither RS nor CS (Fastify's automatic one would run the GET handler).
      exposeHeadRoute: false,
      url: '/links/package.:format',
      schema: {
        tags: ['links'],
        operationId: method === 'GET' ? 'instancePackage' : 'instancePackageHeaders',
        summary: 'Every finished link of an instance as one package',
        security: keySecurity,
        params: InstanceParamsSchema,
        querystring: InstanceQuerySchema,
        response: PackageResponses
      },
      handler: async function instancePackage (request, reply) {
        const format = packageFormat(request.params.format, gzipFlag(request.query.gzip))
        const { spacelink } = fastify
        const { instance } = request.query
        requireInstance(spacelink.config, instance)
        const createdAt = new Date()
        reply.headers(downloadHeaders(format, instancePackageName(instance, createdAt, format)))
        if (request.method === 'HEAD') return await reply.send()
        // A failure before the first byte still becomes a problem (the error handler drops the disposition).
        return await reply.send(instancePackageStream(
          spacelink,
          instance,
          format,
          { image: request.query.image, source: sourceUrl(spacelink.config, request.url), log: request.log, createdAt }
        ))
      }
    })
  }
}

export default linkPackages
