/**
 * A small streaming multipart/form-data reader for `POST /blobs`. The body is scanned chunk by chunk
 * (only a boundary-sized tail is ever re-examined), file bytes are hashed as they arrive, and each part
 * ends up as the list of chunks it arrived in.
 */
import { createHash, type Hash } from 'node:crypto'
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
  const reader = new MultipartReader(boundary)
  for await (const chunk of body) reader.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return reader.end()
}

type ReaderState = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done'

class MultipartReader {
  private readonly parts: FormPart[] = []
  private readonly delimiter: Buffer
  // The stream is read as if it began with CRLF, so the first boundary looks like every later one.
  private pending = Buffer.from('\r\n')
  private state: ReaderState = 'preamble'
  private current: { headers: Record<string, string>, chunks: Buffer[], hash: Hash } | undefined

  constructor (boundary: string) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`)
  }

  write (chunk: Buffer): void {
    if (this.state === 'done') return // the epilogue is ignored, but the body is still drained
    this.pending = Buffer.concat([this.pending, chunk])
    while (this.step()) { /* advance while progress is possible */ }
  }

  end (): FormPart[] {
    if (this.state !== 'done') throw badRequest('malformed multipart body: no closing boundary')
    return this.parts
  }

  /** One state transition; false when more input is needed (or the body is complete). */
  private step (): boolean {
    switch (this.state) {
      case 'preamble':
      case 'body': return this.scanForDelimiter()
      case 'after-delimiter': return this.readBoundaryLineEnd()
      case 'headers': return this.readHeaders()
      case 'done': return false
    }
  }

  private scanForDelimiter (): boolean {
    const at = this.pending.indexOf(this.delimiter)
    if (at === -1) {
      // Keep just enough of the tail to recognise a delimiter split across chunks.
      const keep = Math.min(this.pending.length, this.delimiter.length - 1)
      if (this.state === 'body') this.emit(this.pending.subarray(0, this.pending.length - keep))
      this.pending = this.pending.subarray(this.pending.length - keep)
      return false
    }
    if (this.state === 'body') {
      this.emit(this.pending.subarray(0, at))
      this.finishPart()
    }
    this.pending = this.pending.subarray(at + this.delimiter.length)
    this.state = 'after-delimiter'
    return true
  }

  private readBoundaryLineEnd (): boolean {
    if (this.pending.length < 2) return false
    const marker = this.pending.subarray(0, 2).toString('latin1')
    if (marker === '--') {
      this.state = 'done'
      return false
    }
    if (marker !== '\r\n') throw badRequest('malformed multipart body: bad boundary line')
    this.pending = this.pending.subarray(2)
    this.state = 'headers'
    return true
  }

  private readHeaders (): boolean {
    // A part may have no headers at all: its body then starts right after the boundary line.
    const end = this.pending.subarray(0, 2).toString('latin1') === '\r\n' ? 0 : this.pending.indexOf('\r\n\r\n')
    if (end === -1) {
      if (this.pending.length > maxHeaderBytes) throw badRequest('malformed multipart body: part headers too long')
      return false
    }
    this.current = { headers: headersOf(this.pending.subarray(0, end).toString('utf8')), chunks: [], hash: createHash('sha256') }
    this.pending = this.pending.subarray(end === 0 ? 2 : end + 4)
    this.state = 'body'
    return true
  }

  private emit (bytes: Buffer): void {
    if (this.current === undefined || bytes.length === 0) return
    this.current.chunks.push(bytes)
    this.current.hash.update(bytes)
  }

  private finishPart (): void {
    if (this.current === undefined) return
    const disposition = parameters(this.current.headers['content-disposition'] ?? '')
    const contentType = this.current.headers['content-type']
    this.parts.push({
      name: disposition.name ?? '',
      ...(disposition.filename === undefined ? {} : { filename: disposition.filename }),
      ...(contentType === undefined ? {} : { contentType }),
      content: Buffer.concat(this.current.chunks),
      sha256: this.current.hash.digest('hex')
    })
    this.current = undefined
  }
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
