/** The shapes the archive writers, the package contents and the manifest share. */
import type { Readable } from 'node:stream'
import type { TransactionRow } from '../store/index.js'

export interface ArchiveEntry {
  /** Path inside the archive, `/`-separated, already safe (see filenames.ts). */
  name: string
  body: Readable
  /** Exact byte length of `body`. */
  size: number
  mtime: Date
  /** Deflate the entry (zip only): yes for text, no for images, which do not shrink. */
  compress: boolean
}

export interface ArchiveWriter {
  readonly output: Readable
  /** Appends an entry; resolves once its last byte is in the archive (entries go one at a time). */
  add: (entry: ArchiveEntry) => Promise<void>
  /** Writes the end of the archive (zip central directory and comment, tar end blocks). */
  finish: () => void
}

export interface FileDigest {
  size: number
  sha256: string
  md5: string
}

export interface MissingFile {
  path: string
  reason: string
}

export interface PackageTransaction {
  /** `push`: the transaction that made the link; `metadata`: the one whose CS record the package holds. */
  role: 'push' | 'metadata'
  row: TransactionRow
}
