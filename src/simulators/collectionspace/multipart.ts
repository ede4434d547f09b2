/**
 * A small streaming multipart/form-data reader for `POST /blobs`. The body is scanned chunk by chunk
 * (only a boundary-sized tail is ever re-examined), file bytes are hashed as they arrive, and each part
 * ends up as the list of chunks it arrived in.
 */
import { createHash } from 'node:crypto'
import { badRequest } from './http-error.js'

export interface FormPart {
  /** The form field name (`file` for the blob). */
  name: string
  filename?: string
  contentType?: string
  content: Buffer
  sha256: string
}

const maxHeaderBytes = 16 * 1024

/** The boundary parameter of a multipart/form-data content type. */
export function boundaryOf (contentType: string | undefined): string {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '')
  const boundary = match?.[1] ?? match?.[2]
  if (boundary === undefined) throw badRequest('multipart/form-data without a boundary')
  return boundary
}

export async function readMultipart (body: AsyncIterable<Buffer | string>, boundary: string): Promise<FormPart[]> {
  // The stream is read as if it began with CRLF, so the first boundary looks like every later one.
  const delimiter = Buffer.from(`\r\n--${boundary}`)
  const parts: FormPart[] = []
  let pending = Buffer.from('\r\n')
  let state: 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done' = 'preamble'
  let current: { headers: Record<string, string>, chunks: Buffer[], hash: ReturnType<typeof createHash> } | undefined

  const emit = (bytes: Buffer): void => {
    if (current === undefined || bytes.length === 0) return
    current.chunks.push(bytes)
    current.hash.update(bytes)
  }
  const finishPart = (): void => {
    if (current === undefined) return
    const disposition = parameters(current.headers['content-disposition'] ?? '')
    parts.push({
      name: disposition.name ?? '',
      ...(disposition.filename === undefined ? {} : { filename: disposition.filename }),
      ...(current.headers['content-type'] === undefined ? {} : { contentType: current.headers['content-type'] }),
      content: Buffer.concat(current.chunks),
      sha256: current.hash.digest('hex')
    })
    current = undefined
  }

  const advance = (): void => {
    for (;;) {
      if (state === 'preamble' || state === 'body') {
        const at = pending.indexOf(delimiter)
        if (at === -1) {
          // Keep just enough of the tail to recognise a delimiter split across chunks.
          const keep = Math.min(pending.length, delimiter.length - 1)
          if (state === 'body') emit(pending.subarray(0, pending.length - keep))
          pending = pending.subarray(pending.length - keep)
          return
        }
        if (state === 'body') { emit(pending.subarray(0, at)); finishPart() }
        pending = pending.subarray(at + delimiter.length)
        state = 'after-delimiter'
      } else if (state === 'after-delimiter') {
        if (pending.length < 2) return
        const marker = pending.subarray(0, 2).toString('latin1')
        if (marker === '--') { state = 'done'; return }
        if (marker !== '\r\n') throw badRequest('malformed multipart body: bad boundary line')
        pending = pending.subarray(2)
        state = 'headers'
      } else if (state === 'headers') {
        const end = pending.subarray(0, 2).toString('latin1') === '\r\n' ? 0 : pending.indexOf('\r\n\r\n')
        if (end === -1) {
          if (pending.length > maxHeaderBytes) throw badRequest('malformed multipart body: part headers too long')
          return
        }
        current = { headers: headersOf(pending.subarray(0, end).toString('utf8')), chunks: [], hash: createHash('sha256') }
        pending = pending.subarray(end === 0 ? 2 : end + 4)
        state = 'body'
      } else {
        return
      }
    }
  }

  for await (const chunk of body) {
    if (state === 'done') continue // the epilogue is ignored, but the body is still drained
    pending = Buffer.concat([pending, typeof chunk === 'string' ? Buffer.from(chunk) : chunk])
    advance()
  }
  if (state !== 'done') throw badRequest('malformed multipart body: no closing boundary')
  return parts
}

function headersOf (text: string): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return headers
}

/** `form-data; name="file"; filename="a.jpg"` → `{ name, filename }`, undoing browsers' %22/%0D/%0A. */
function parameters (disposition: string): Record<string, string> {
  const params: Record<string, string> = {}
  for (const match of disposition.matchAll(/;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g)) {
    const key = (match[1] ?? '').toLowerCase()
    const raw = (match[2] ?? '').trim()
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw
    params[key] = value.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n')
  }
  return params
}
