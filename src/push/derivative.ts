/**
 * Choosing and opening the derivative to send. RS answers a URL for any size, serves a placeholder PNG
 * for a missing file and a login redirect for a bad key, so the bytes are checked before they go to CS:
 * the size must exist, the answer must be an image of the expected type, with a known length.
 */
import type { Dispatcher } from 'undici'
import type { ImageSize, ResourceSpaceClient } from '../clients/resourcespace.js'
import { UpstreamError } from '../errors.js'

export type DerivativeProblem = { problem: string }

/** The first size of the preference list that RS really has (or the one asked for). */
export function chooseSize (available: ImageSize[], preference: string[], requested?: string): ImageSize | DerivativeProblem {
  const wanted = requested === undefined ? preference : [requested]
  for (const code of wanted) {
    const found = available.find(s => s.sizeCode === code)
    if (found !== undefined) return found
  }
  const have = available.map(s => s.sizeCode).join(', ')
  return { problem: `RS has none of the sizes ${wanted.join(', ')}${have === '' ? ' (no previews at all)' : ` (it has ${have})`}` }
}

const typeOfExtension: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  webp: 'image/webp'
}

export interface OpenDerivative {
  body: Dispatcher.ResponseData['body']
  contentType: string
  contentLength: number | undefined
}

/** Opens the download and checks its headers; a bad answer is consumed and reported as a problem. */
export async function openDerivative (rs: Pick<ResourceSpaceClient, 'download'>, size: ImageSize): Promise<OpenDerivative | DerivativeProblem> {
  let res: Dispatcher.ResponseData
  try {
    res = await rs.download(size.url)
  } catch (err) {
    // RS sends a refused or expired access key to its login page: the image is not there for us.
    const status = err instanceof UpstreamError ? err.upstreamStatus : undefined
    if (status !== undefined && status >= 300 && status < 400) return { problem: `RS answered the '${size.sizeCode}' download with a redirect to its login page (access key refused)` }
    throw err
  }
  const contentType = String(res.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  const lengthHeader = res.headers['content-length']
  const contentLength = lengthHeader === undefined ? undefined : Number(lengthHeader)
  const reject = async (problem: string): Promise<DerivativeProblem> => {
    discard(res.body)
    return { problem }
  }
  if (res.statusCode >= 300 && res.statusCode < 400) return await reject(`RS answered the '${size.sizeCode}' download with a redirect to ${String(res.headers.location ?? 'a login page')}`)
  if (res.statusCode !== 200) return await reject(`RS answered the '${size.sizeCode}' download with status ${res.statusCode}`)
  if (!contentType.startsWith('image/')) return await reject(`RS sent ${contentType === '' ? 'no content type' : contentType} instead of the '${size.sizeCode}' image`)
  const expected = typeOfExtension[size.extension.toLowerCase()]
  if (expected !== undefined && contentType !== expected) {
    return await reject(`RS sent ${contentType} for a .${size.extension} '${size.sizeCode}' file: its placeholder for a missing preview`)
  }
  if (contentLength === undefined || !Number.isFinite(contentLength) || contentLength <= 0) return await reject(`RS sent the '${size.sizeCode}' image without a usable length`)
  return { body: res.body, contentType, contentLength }
}

export function isDerivativeProblem (x: unknown): x is DerivativeProblem {
  return typeof x === 'object' && x !== null && 'problem' in x
}

/** Stops reading a download we will not use (undici reports the abort as an error: expected here). */
export function discard (body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {})
  body.destroy()
}

/**
 * A download opened ahead of its use: its failure waits for whoever awaits it, and its body, idle until
 * then, may time out without taking the process down (the push then opens it again).
 */
export function openAhead (rs: Pick<ResourceSpaceClient, 'download'>, size: ImageSize): Promise<OpenDerivative | DerivativeProblem> {
  const opening = openDerivative(rs, size)
  opening.then(d => { if (!isDerivativeProblem(d)) d.body.on('error', () => {}) }, () => {})
  return opening
}

/** Closes a download opened ahead that nobody will read. */
export function abandon (opened: Promise<OpenDerivative | DerivativeProblem> | undefined): void {
  opened?.then(d => { if (!isDerivativeProblem(d)) discard(d.body) }, () => {})
}
