/**
 * Logger options: JSON lines for machines, pino-pretty on a terminal, and redaction of every place a
 * secret could appear (API keys, RS signatures, webhook hashes, basic auth).
 */
import type { FastifyLoggerOptions } from 'fastify'
import type { LoggerOptions } from 'pino'

export const redactPaths = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'key',
  'sign',
  'hash',
  'password',
  '*.key',
  '*.password'
]

/** Removes `key`, `sign` and `hash` values from a URL before it is logged. */
export function redactUrl (url: string): string {
  return url.replace(/([?&](?:key|sign|hash|access_key|k)=)[^&#]*/gi, '$1[redacted]')
}

export function loggerOptions (level: string, plain = false): FastifyLoggerOptions & LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      req (request: { method: string, url: string, ip?: string }) {
        return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip }
      }
    },
    ...(!plain && process.stdout.isTTY && process.env.NODE_ENV !== 'production' ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {})
  }
}
