/**
 * `GET /pages/download.php`, the URL `get_resource_path` hands out (docs/resourcespace-api.md
 * §Derivatives and downloads): real bytes for an existing file; for a missing one RS's 200
 * `image/png` placeholder still named `download.jpg`; a 302 to the login page without a valid access
 * key; `Range` answered with 206.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AccessKeys } from './access-keys.js'
import { contentTypeOf, originalFile, placeholderPng, previewJpeg } from './images.js'
import type { RsResource, RsStore } from './store.js'

export interface DownloadContext {
  store: RsStore
  keys: AccessKeys
  baseUrl: (request: FastifyRequest) => string
  /** Waits the simulator's configured latency. */
  delay: (fn?: string) => Promise<void>
}

export function registerDownloads (app: FastifyInstance, ctx: DownloadContext): void {
  app.get('/pages/download.php', async function download (request, reply) {
    const query = new URLSearchParams(request.url.split('?')[1] ?? '')
    const ref = Number(query.get('ref'))
    const size = query.get('size') ?? ''
    const extension = query.get('ext') === null || query.get('ext') === '' ? 'jpg' : String(query.get('ext'))
    ctx.store.countCall('download')
    await ctx.delay()
    if (!Number.isInteger(ref) || !ctx.keys.verify(query.get('access_key') ?? undefined, ref, size)) {
      return await reply
        .code(302)
        .header('location', `${ctx.baseUrl(request)}login.php?url=${encodeURIComponent(request.url)}&nocookies=true`)
        .send('')
    }
    const file = fileFor(ctx.store.resources.get(ref), size, extension) ??
      { bytes: placeholderPng(size), type: 'image/png' }
    reply
      .header('content-type', file.type)
      .header('content-disposition', `inline; filename="download.${extension}"`)
      .header('accept-ranges', 'bytes')
    return await sendRange(request, reply, file.bytes)
  })

  app.get('/login.php', async function login (_request, reply) {
    return await reply.type('text/html').send('<!DOCTYPE html><html><body><form>ResourceSpace login (simulated)</form></body></html>')
  })
}

function fileFor (resource: RsResource | undefined, size: string, extension: string): { bytes: Buffer, type: string } | undefined {
  if (resource === undefined) return undefined
  if (size === '') {
    // The original only under its own extension: RS serves the placeholder for `ext=jpg` of a PNG original.
    if (resource.fileExtension === '' || resource.fileExtension !== extension.toLowerCase()) return undefined
    return { bytes: originalFile(resource.ref, resource.fileExtension, resource.revision), type: contentTypeOf(resource.fileExtension) }
  }
  if (!resource.sizes.has(size) || extension.toLowerCase() !== 'jpg') return undefined
  return { bytes: previewJpeg(resource.ref, size, resource.revision), type: 'image/jpeg' }
}

/** One `bytes=` range answered with 206, an impossible one with 416, none with 200. */
async function sendRange (request: FastifyRequest, reply: FastifyReply, bytes: Buffer): Promise<FastifyReply> {
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '')
  if (range === null || (range[1] === '' && range[2] === '')) return await reply.code(200).send(bytes)
  const length = bytes.length
  let start: number
  let end: number
  if (range[1] === '') {
    start = Math.max(0, length - Number(range[2]))
    end = length - 1
  } else {
    start = Number(range[1])
    end = range[2] === '' ? length - 1 : Math.min(Number(range[2]), length - 1)
  }
  if (start >= length || start > end) {
    return await reply.code(416).header('content-range', `bytes */${length}`).send('')
  }
  return await reply
    .code(206)
    .header('content-range', `bytes ${start}-${end}/${length}`)
    .send(bytes.subarray(start, end + 1))
}
