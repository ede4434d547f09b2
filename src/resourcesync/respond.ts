/**
 * Sends a ResourceSync document over HTTP: validators first (ETag, Last-Modified), 304 when the client's
 * copy is current — before any byte of the body is generated — and otherwise the body, streamed.
 * Cache-Control lets shared caches keep public documents (private ones only the client), forever for
 * the bytes that never change, with revalidation for the rest.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import fresh from 'fresh'
import type { ResourceSyncAccess } from '../config/schema.js'
import type { RsDocument } from './document.js'

const oneYear = 365 * 24 * 60 * 60

export async function sendDocument (request: FastifyRequest, reply: FastifyReply, doc: RsDocument, access: ResourceSyncAccess): Promise<FastifyReply> {
  const lastModified = new Date(doc.lastModified).toUTCString()
  const audience = access === 'public' ? 'public' : 'private'
  reply
    .header('etag', doc.etag)
    .header('last-modified', lastModified)
    .header('cache-control', doc.freshness === 'fixed' ? `${audience}, max-age=${oneYear}, immutable` : `${audience}, no-cache`)
  if (fresh(request.headers, { etag: doc.etag, 'last-modified': lastModified })) return await reply.code(304).send()
  reply.type(doc.contentType)
  const body = doc.body()
  // HEAD: the headers only; a streamed list is not generated just to be thrown away.
  if (request.method === 'HEAD' && !Buffer.isBuffer(body)) {
    body.destroy()
    return await reply.send()
  }
  return await reply.send(body)
}
