/**
 * What a ResourceSync route answers, before any byte is produced: the validators (ETag, Last-Modified)
 * come from a few cheap store reads, so a conditional request is answered 304 without generating the
 * body; the body is a function that starts the stream only when it is really wanted.
 */
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'

export const xmlContentType = 'application/xml'

/**
 * `fixed`: the bytes behind this URL never change (a closed change list part, a resource list snapshot);
 * `revalidate`: they may change, so caches must ask again (with the ETag) before reusing them.
 */
export type Freshness = 'fixed' | 'revalidate'

export interface RsDocument {
  contentType: string
  /** A strong, quoted entity tag. */
  etag: string
  /** ISO-8601. */
  lastModified: string
  freshness: Freshness
  body: () => Readable | Buffer
}

/**
 * A strong ETag from everything the bytes depend on. Every generated document is a pure function of its
 * inputs (no "now" inside), so equal inputs mean equal bytes. Bump `formatVersion` when the output changes.
 */
export function etagOf (...inputs: Array<string | number>): string {
  return `"${createHash('sha256').update(JSON.stringify([formatVersion, ...inputs])).digest('base64url').slice(0, 32)}"`
}

const formatVersion = 1

const chunkBytes = 64 * 1024

/** A document streamed from pieces (strings) produced as the store is read, sent in chunks of about 64 KiB. */
export function streamOf (pieces: () => AsyncIterable<string>): () => Readable {
  return () => Readable.from(chunked(pieces()), { objectMode: false })
}

async function * chunked (pieces: AsyncIterable<string>): AsyncIterable<Buffer> {
  let pending: string[] = []
  let size = 0
  for await (const piece of pieces) {
    pending.push(piece)
    size += piece.length
    if (size >= chunkBytes) {
      yield Buffer.from(pending.join(''), 'utf8')
      pending = []
      size = 0
    }
  }
  if (pending.length > 0) yield Buffer.from(pending.join(''), 'utf8')
}
