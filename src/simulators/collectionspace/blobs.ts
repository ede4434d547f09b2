/**
 * Where blob bytes come from: a multipart upload (field `file`) or a URL the server downloads itself
 * (`blobUri`), with the naming rules of the real server: the multipart file name (`blob` if none), or
 * the raw text after `filename=` in Content-Disposition (quotes kept), or the last URL path segment.
 */
import { request } from 'undici'
import { badRequest } from './http-error.js'
import type { FormPart } from './multipart.js'

export interface IncomingBlob {
  name: string
  mimeType: string
  bytes: Buffer
}

const maxDownloadBytes = 512 * 1024 * 1024

/** The `file` part of an upload (the field name is matched ignoring case, other fields are ignored). */
export function uploadedBlob (parts: FormPart[]): IncomingBlob {
  const file = parts.find((part) => part.name.toLowerCase() === 'file')
  if (file === undefined) throw badRequest('Create request failed: the multipart body has no "file" part')
  return { name: file.filename ?? 'blob', mimeType: detectMimeType(file.content, file.contentType), bytes: file.content }
}

/** Downloads `url` with a plain GET (no credentials); anything but a 200 is a 400 for the caller. */
export async function downloadBlob (url: string): Promise<IncomingBlob> {
  const failed = badRequest(`Could not download file from the following URL: ${url}`)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw failed
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw failed
  try {
    const res = await request(parsed, { method: 'GET', headersTimeout: 30_000, bodyTimeout: 30_000 })
    if (res.statusCode !== 200) {
      await res.body.dump()
      throw failed
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length
      if (size > maxDownloadBytes) throw failed
      chunks.push(chunk as Buffer)
    }
    const bytes = Buffer.concat(chunks)
    const disposition = String(res.headers['content-disposition'] ?? '')
    const at = disposition.indexOf('filename=')
    const name = at === -1 ? decodeURIComponent(parsed.pathname.split('/').pop() ?? '') : disposition.slice(at + 'filename='.length)
    return { name: name === '' ? 'blob' : name, mimeType: detectMimeType(bytes, String(res.headers['content-type'] ?? '')), bytes }
  } catch (err) {
    throw err === failed ? err : failed
  }
}

const signatures: Array<[string, number[]]> = [
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/png', [0x89, 0x50, 0x4e, 0x47]],
  ['image/gif', [0x47, 0x49, 0x46, 0x38]],
  ['image/tiff', [0x49, 0x49, 0x2a, 0x00]],
  ['image/tiff', [0x4d, 0x4d, 0x00, 0x2a]],
  ['application/pdf', [0x25, 0x50, 0x44, 0x46]]
]

/** The server detects the type from the bytes; the declared type is only a fallback. */
export function detectMimeType (bytes: Buffer, declared: string | undefined): string {
  const found = signatures.find(([, magic]) => magic.every((byte, i) => bytes[i] === byte))
  if (found !== undefined) return found[0]
  const type = declared?.split(';')[0]?.trim()
  return type === undefined || type === '' ? 'application/octet-stream' : type
}
