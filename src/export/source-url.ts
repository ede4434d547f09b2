/**
 * The absolute URL a package was made from, for its manifest and the zip comment: the configured public
 * URL with the request's path and query, minus any credential (`key=`, `hash=`, `sign=`). The rest of the
 * query is kept byte for byte, so `package.tar?gzip` stays `?gzip`.
 */
import type { Config } from '../config/schema.js'
import { apiUrl } from '../http/links.js'

const credentialParams = new Set(['key', 'hash', 'sign'])

export function sourceUrl (config: Config, requestUrl: string): string {
  const [path = '', query = ''] = requestUrl.split('?', 2)
  const kept = query.split('&').filter(pair => pair !== '' && !credentialParams.has(decodeName(pair)))
  return apiUrl(config, kept.length === 0 ? path : `${path}?${kept.join('&')}`)
}

function decodeName (pair: string): string {
  const name = pair.split('=', 1)[0] ?? ''
  try {
    return decodeURIComponent(name.replaceAll('+', ' ')).toLowerCase()
  } catch {
    return name.toLowerCase()
  }
}
