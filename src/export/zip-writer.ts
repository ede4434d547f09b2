/**
 * Zip packages with yazl: entries are written one after another as their bytes arrive (data descriptors,
 * so no size or CRC is needed up front; ZIP64 when an entry or the archive passes 4 GiB), and the end of
 * the archive carries a comment naming the URL it was made from, readable with `unzip -z`. Images are
 * stored as they are (a JPEG does not deflate); the text files are deflated.
 */
import type { Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import yazl from 'yazl'
import type { ArchiveEntry, ArchiveWriter } from './types.js'

/** What yazl accepts as a comment: printable ASCII (its bytes are the same in CP437 and UTF-8), at most 64 KiB. */
export function zipComment (text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 0xffff)
}

export function createZipWriter (opts: { comment: string }): ArchiveWriter {
  const zip = new yazl.ZipFile()
  const output = zip.outputStream as Readable
  // yazl reports a wrong byte count (and other misuse) on the ZipFile, not on its output: fail the output.
  zip.on('error', (err: Error) => { output.destroy(err) })
  return {
    output,
    async add (entry: ArchiveEntry) {
      zip.addReadStream(entry.body, entry.name, { size: entry.size, mtime: entry.mtime, mode: 0o100644, compress: entry.compress })
      // yazl takes entries in turn; the body ends once its last byte went into the archive.
      await finished(entry.body, { writable: false })
    },
    finish () {
      zip.end({ comment: zipComment(opts.comment), forceZip64Format: false })
    }
  }
}
