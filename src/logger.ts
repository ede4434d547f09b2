/**
 * Logger options: JSON lines for machines, pino-pretty on a terminal, and redaction of every place a
 * secret could appear (API keys, RS signatures, webhook hashes, basic auth).
 */
import type { FastifyLoggerOptions } from 'fastify'
import type { LoggerOptions } from 'pino'
import { redactUrl } from './util/url.js'

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
