/**
 * Tar packages (POSIX ustar, with pax headers for long or non-ASCII names) with tar-stream, optionally
 * gzipped on the way out. A tar header states the entry's size before its bytes, so a streamed entry
 * needs its exact length up front: for the derivative that is RS's Content-Length, which the hashing
 * stream holds it to.
 *
 * gzip runs at level 1: one gzip stream covers the whole tar, image included, and a JPEG does not shrink
 * at any level, while level 6 is slower still (19 against 27 MB/s, BENCHMARKS.md (5)); the text files
 * come out some 15 % larger than at level 6, a few hundred bytes.
 */
import { PassThrough, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { constants, createGzip } from 'node:zlib'
import tar from 'tar-stream'
import type { ArchiveEntry, ArchiveWriter } from './types.js'

export function createTarWriter (opts: { gzip: boolean }): ArchiveWriter {
  const pack = tar.pack()
  // The response gets a Node stream: gzip, or a pass-through in front of tar-stream's own stream type.
  const output: Readable = opts.gzip ? createGzip({ level: constants.Z_BEST_SPEED }) : new PassThrough()
  pipeline(pack, output as PassThrough).catch((err: unknown) => { output.destroy(err as Error) })
  return {
    output,
    async add (entry: ArchiveEntry) {
      await pipeline(entry.body, pack.entry({ name: entry.name, size: entry.size, mtime: entry.mtime, mode: 0o644, type: 'file' }))
    },
    finish () {
      pack.finalize()
    }
  }
}
