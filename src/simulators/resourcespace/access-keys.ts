/**
 * Temporary download keys, as RS appends them to `get_resource_path` URLs when `$hide_real_filepath` is
 * on (new installs): bound to user, resource and size, valid 24 h by default. Without a valid key
 * `download.php` redirects to the login page (docs/resourcespace-api.md §Derivatives and downloads).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export class AccessKeys {
  private readonly secret: string
  private readonly ttlMs: number
  private readonly now: () => number

  constructor (secret: string, opts: { ttlMs?: number, now?: () => number } = {}) {
    this.secret = secret
    this.ttlMs = opts.ttlMs ?? 24 * 60 * 60_000
    this.now = opts.now ?? Date.now
  }

  issue (user: string, ref: number, size: string): string {
    const expires = this.now() + this.ttlMs
    const payload = `${user}:${expires}`
    return Buffer.from(`${payload}:${this.mac(user, ref, size, expires)}`).toString('base64url')
  }

  /** True when `key` was issued for this resource and size and has not expired. */
  verify (key: string | undefined, ref: number, size: string): boolean {
    if (key === undefined || key === '') return false
    const parts = Buffer.from(key, 'base64url').toString('utf8').split(':')
    if (parts.length !== 3) return false
    const [user = '', expiresText = '', mac = ''] = parts
    const expires = Number(expiresText)
    if (!Number.isFinite(expires) || expires < this.now()) return false
    const expected = Buffer.from(this.mac(user, ref, size, expires))
    const given = Buffer.from(mac)
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  private mac (user: string, ref: number, size: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${user}:${ref}:${size}:${expires}`).digest('hex')
  }
}

/** The `download.php` URL RS builds for one file (query parameters in RS's order). */
export function downloadUrl (baseUrl: string, opts: { ref: number, size: string, extension: string, accessKey: string, version?: string }): string {
  const query = [
    `ref=${opts.ref}`,
    `size=${encodeURIComponent(opts.size)}`,
    `ext=${encodeURIComponent(opts.extension)}`,
    'page=1',
    'alternative=-1',
    'watermarked=',
    'k=',
    'noattach=true',
    `v=${opts.version ?? ''}`,
    `access_key=${opts.accessKey}`
  ]
  return `${baseUrl}pages/download.php?${query.join('&')}`
}
