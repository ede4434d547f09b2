/**
 * RS's side of request signing (docs/resourcespace-api.md §Signing), written independently of the client's
 * `rs-signing.ts` so that a mistake in one is caught by the other. RS takes the raw query string (or a
 * POSTed `query` field), removes `sign`, `authmode` and `pretty` and everything from `&ajax=` on, and
 * compares `sha256_hex(key + rest)` with `sign` using `===` (so uppercase hex fails).
 */
import { createHash } from 'node:crypto'

const unsignedNames = new Set(['sign', 'authmode', 'pretty'])

/** The part of a raw (still percent-encoded) query string that RS hashes. */
export function signedPortion (rawQuery: string): string {
  const ajax = rawQuery.indexOf('&ajax=')
  const query = ajax === -1 ? rawQuery : rawQuery.slice(0, ajax)
  return query
    .split('&')
    .filter((pair) => !unsignedNames.has((pair.split('=', 1)[0] ?? '').toLowerCase()))
    .join('&')
}

export interface SignedRequest {
  user: string | undefined
  sign: string | undefined
  authmode: string | undefined
  /** The raw query string as received (URL query, or the POSTed `query` field). */
  query: string
}

/** True when the request is signed by `user` with `key` in `userkey` mode (the only mode simulated). */
export function isValidSignature (req: SignedRequest, account: { user: string, key: string }): boolean {
  if (req.user === undefined || req.user.toLowerCase() !== account.user.toLowerCase()) return false
  if (req.authmode !== undefined && req.authmode !== '' && req.authmode !== 'userkey') return false
  if (req.sign === undefined || req.sign === '') return false
  const expected = createHash('sha256').update(account.key + signedPortion(req.query)).digest('hex')
  return req.sign === expected
}
