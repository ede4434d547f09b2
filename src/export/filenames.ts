/**
 * Names that come from museum data (accession numbers, original filenames) made safe as download names
 * and archive paths on every OS: no path separators or `..`, nothing Windows refuses (`<>:"|?*`, control
 * characters, trailing dots or spaces, device names such as `CON`), no `%` or `\` that browsers would
 * decode, no leading dot (a hidden file). The `Content-Disposition` header carries an ASCII `filename`
 * for every client and, when the name has other characters, the UTF-8 original as RFC 6266 / RFC 8187
 * `filename*`.
 */
import type { FormatInfo } from './formats.js'

const unsafe = /[\p{Cc}\p{Cf}<>:"/\\|?*%;,\s]+/gu
const windowsDevice = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i
const maxStemLength = 100

export interface SafeName {
  /** Printable ASCII only: the `filename` parameter and the zip/tar entry a plain reader shows. */
  ascii: string
  /** NFC Unicode with the same characters removed: `filename*`. Equal to `ascii` when that loses nothing. */
  unicode: string
}

/** One path segment (no `/`), at most 100 characters before the extension; `fallback` when nothing is left. */
export function safeSegment (text: string, fallback: string): SafeName {
  const unicode = clean(text.normalize('NFC')) || fallback
  // Accents come off (é → e); what has no ASCII form becomes `_`.
  const ascii = clean(unicode.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^\x20-\x7e]/g, '_')) || fallback
  return { ascii, unicode }
}

function clean (text: string): string {
  const cut = [...text.replace(unsafe, '_')].slice(0, maxStemLength).join('')
  const trimmed = cut.replace(/^[._]+/, '').replace(/[. _]+$/, '')
  return windowsDevice.test(trimmed) ? `_${trimmed}` : trimmed
}

/** `<accession>-rs<rsid>.<extension>`, the download name of one link's package. */
export function packageFilename (objectNumber: string, rsid: number, extension: string): SafeName {
  const stem = safeSegment(objectNumber, 'object')
  return { ascii: `${stem.ascii}-rs${rsid}.${extension}`, unicode: `${stem.unicode}-rs${rsid}.${extension}` }
}

/** `attachment; filename="…"` plus `filename*=UTF-8''…` when the name is not plain ASCII. */
export function contentDisposition (name: SafeName): string {
  const plain = `attachment; filename="${name.ascii}"`
  return name.unicode === name.ascii ? plain : `${plain}; filename*=UTF-8''${encodeRfc8187(name.unicode)}`
}

/** RFC 8187 ext-value: UTF-8, percent-encoded except letters, digits and `-._~` (encodeURIComponent also spares `'()*!`). */
export function encodeRfc8187 (text: string): string {
  return encodeURIComponent(text).replace(/['()*!]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** The response headers of a package download (the same for GET and HEAD). */
export function downloadHeaders (format: FormatInfo, name: SafeName): Record<string, string> {
  return {
    'content-type': format.contentType,
    'content-disposition': contentDisposition(name),
    // Made afresh from RS and CS on every request: never served from a cache.
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff'
  }
}
