/**
 * Response headers of every page for people. The Content-Security-Policy allows no script at all, the
 * one stylesheet by its hash, images from spacelink and RS (thumbnails) only, and forms that post back
 * to spacelink: even a value that slipped past escaping could not run. No Referer leaves a page, since a
 * confirmation page's URL may carry a key; no page is cached or framed.
 */
import { createHash } from 'node:crypto'
import { pageStyle } from './layout.js'

const styleSource = `'sha256-${createHash('sha256').update(pageStyle).digest('base64')}'`

export function pageHeaders (imageOrigins: readonly string[] = []): Record<string, string> {
  const images = [...new Set(imageOrigins)].filter(o => /^https?:\/\/[^\s;,'"]+$/.test(o))
  return {
    'content-security-policy': [
      "default-src 'none'",
      `style-src ${styleSource}`,
      `img-src 'self' data: ${images.join(' ')}`.trim(),
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'"
    ].join('; '),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store'
  }
}

/** The origin of a URL (for img-src), or undefined for anything that is not http(s). */
export function originOf (url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined
  } catch {
    return undefined
  }
}
