/**
 * The archive formats a package can be downloaded in, chosen by the URL's extension (`package.zip`,
 * `package.tar`, `package.tar.gz`, or `package.tar?gzip`). Each has its own registered media type:
 * `application/gzip` (RFC 6713) says what the bytes are, where `application/octet-stream` would only
 * say "bytes" and leave clients to guess from the filename (docs/package-export.md).
 */
import { SpacelinkError } from '../errors.js'

export type PackageFormat = 'zip' | 'tar' | 'tar.gz'

export interface FormatInfo {
  format: PackageFormat
  /** Filename extension, without the dot. */
  extension: string
  contentType: string
}

export const packageFormats: Readonly<Record<PackageFormat, FormatInfo>> = {
  zip: { format: 'zip', extension: 'zip', contentType: 'application/zip' },
  tar: { format: 'tar', extension: 'tar', contentType: 'application/x-tar' },
  'tar.gz': { format: 'tar.gz', extension: 'tar.gz', contentType: 'application/gzip' }
}

/**
 * The format asked for by the extension after `package.`; `gzip` (the `?gzip` flag) only turns `.tar`
 * into `.tar.gz`. Anything else is a 406: spacelink cannot produce that representation.
 */
export function packageFormat (extension: string, gzip = false): FormatInfo {
  if (extension === 'tar') return packageFormats[gzip ? 'tar.gz' : 'tar']
  if (extension === 'zip' || extension === 'tar.gz') return packageFormats[extension]
  throw new SpacelinkError('UNKNOWN_FORMAT', 406, 'Unknown package format',
    `package.${extension.slice(0, 40)} cannot be made; ask for package.zip, package.tar, package.tar.gz or package.tar?gzip`,
    { formats: Object.keys(packageFormats) })
}

/** `?gzip`, `?gzip=` and `?gzip=true` mean yes (o2r's flag form); `?gzip=false` or no flag mean no. */
export function gzipFlag (value: string | undefined): boolean {
  return value !== undefined && value !== 'false'
}
