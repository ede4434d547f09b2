/**
 * One archive, produced while it is sent: a writer per format (zip-writer.ts, tar-writer.ts) behind one
 * interface, and `streamArchive`, which runs a producer into it and owns what can go wrong once the
 * response has started:
 *
 * - Every entry is hashed (size, sha-256, md5) as it passes, so the manifest, written last, can list them.
 * - The client going away destroys the output; that aborts the producer and destroys every source stream
 *   still open (the RS download), so no upstream request outlives the download.
 * - A failure after bytes went out cannot become a 4xx or 5xx any more: the output is destroyed, so the
 *   client sees a connection cut before the archive's end (a truncated zip or tar, which every reader
 *   rejects), and the error is logged. A failure before the first byte still becomes a problem answer.
 */
import { createHash } from 'node:crypto'
import { addAbortSignal, Readable } from 'node:stream'
import type { BaseLogger } from 'pino'
import { HashingStream } from '../push/hashing-stream.js'
import type { FormatInfo } from './formats.js'
import { createTarWriter } from './tar-writer.js'
import { createZipWriter } from './zip-writer.js'
import type { ArchiveWriter, FileDigest } from './types.js'

/** What a producer writes into. Each call resolves with the digest of the bytes that went in. */
export interface ArchiveSink {
  /** Aborted when the archive can no longer be completed (client gone, or a failure). */
  readonly signal: AbortSignal
  addBytes: (name: string, bytes: Buffer) => Promise<FileDigest>
  /** Streams `body` (exactly `size` bytes, or the archive fails) into the archive. */
  addStream: (name: string, body: Readable, size: number) => Promise<FileDigest>
  /** Destroys `body` if the archive is aborted before the producer reaches it (an opened download). */
  guard: (body: Readable) => void
}

export type ExportLog = Pick<BaseLogger, 'info' | 'warn' | 'error'>

export function createArchiveWriter (format: FormatInfo, opts: { comment: string }): ArchiveWriter {
  return format.format === 'zip' ? createZipWriter(opts) : createTarWriter({ gzip: format.format === 'tar.gz' })
}

/** Starts `produce` writing into a new archive and returns the archive's bytes as they are made. */
export function streamArchive (
  format: FormatInfo,
  opts: { comment: string, log: ExportLog, mtime: Date },
  produce: (sink: ArchiveSink) => Promise<void>
): Readable {
  const writer = createArchiveWriter(format, opts)
  const controller = new AbortController()
  const { signal } = controller
  let ended = false
  writer.output.once('end', () => { ended = true })
  writer.output.once('close', () => {
    if (!ended) controller.abort(new Error('the archive was closed before it was complete'))
  })

  const guard = (body: Readable): void => {
    body.on('error', () => {})
    addAbortSignal(signal, body)
  }
  const sink: ArchiveSink = {
    signal,
    guard,
    async addBytes (name, bytes) {
      signal.throwIfAborted()
      const body = Readable.from([bytes], { objectMode: false })
      guard(body)
      await writer.add({ name, body, size: bytes.length, mtime: opts.mtime, compress: true })
      return { size: bytes.length, sha256: digest('sha256', bytes), md5: digest('md5', bytes) }
    },
    async addStream (name, body, size) {
      guard(body)
      signal.throwIfAborted()
      const hashing = new HashingStream(size)
      guard(hashing)
      body.once('error', err => { hashing.destroy(err) })
      await writer.add({ name, body: body.pipe(hashing), size, mtime: opts.mtime, compress: false })
      return { size: hashing.byteLength, ...hashing.digests() }
    }
  }

  produce(sink).then(() => { writer.finish() }).catch((err: unknown) => {
    // Aborted first (the client went away): whatever the producer then failed with is the consequence.
    if (signal.aborted) {
      opts.log.info({ reason: String((signal.reason as Error | undefined)?.message) }, 'package download stopped: the client went away')
      return
    }
    opts.log.error({ err }, 'package export failed after the download started: the archive is cut short')
    controller.abort(err)
    writer.output.destroy(err as Error)
  })
  return writer.output
}

function digest (algorithm: 'sha256' | 'md5', bytes: Buffer): string {
  return createHash(algorithm).update(bytes).digest('hex')
}
