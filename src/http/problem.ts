/**
 * RFC 9457 problem details: the one error shape on every route (docs/product.md §HTTP conventions). `code` is the stable
 * member clients switch on; `type` points at the documentation of that problem.
 */
import { SpacelinkError } from '../errors.js'
import { problemAnchor } from './problem-catalogue.js'

export interface Problem {
  type: string
  title: string
  status: number
  code: string
  detail?: string
  instance?: string
  [member: string]: unknown
}

export const problemContentType = 'application/problem+json; charset=utf-8'

export function problem (status: number, code: string, title: string, detail?: string, extra: Record<string, unknown> = {}): Problem {
  return {
    type: `/docs/problems#${problemAnchor(code)}`,
    title,
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...extra
  }
}

/** The problem body for any error: domain errors keep their code; Fastify's own errors get a stable one. */
export function problemFromError (err: unknown): Problem {
  if (err instanceof SpacelinkError) {
    const hidden = err.status >= 500 && !(err.code.startsWith('UPSTREAM') || err.code === 'STORE_UNAVAILABLE')
    return problem(err.status, err.code, err.title, hidden ? 'an internal error occurred' : err.message, err.extra)
  }
  if (isProblem(err)) return stripStatusCode(err)
  const e = err as {
    statusCode?: number,
    code?: string,
    message?: string,
    validation?: Array<{ instancePath?: string, message?: string, params?: Record<string, unknown> }>
  }
  const status = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500
  if (e.validation !== undefined) {
    return problem(400, 'INVALID_INPUT', 'Invalid input', e.message, {
      errors: e.validation.map(v => ({ pointer: v.instancePath === '' || v.instancePath === undefined ? pointerFromParams(v.params) : v.instancePath, detail: v.message }))
    })
  }
  const known = fastifyCodes[e.code ?? '']
  if (known?.code === 'CSRF_INVALID') return problem(403, known.code, known.title, 'the form\'s security token is missing or does not match: reload the page and press the button again')
  if (known !== undefined) return problem(known.status ?? status, known.code, known.title, e.message)
  if (status >= 500) return problem(status, 'INTERNAL', 'Internal error', 'an internal error occurred')
  return problem(status, `HTTP_${status}`, httpTitle(status), e.message)
}

function pointerFromParams (params: Record<string, unknown> | undefined): string {
  const name = params?.missingProperty ?? params?.additionalProperty
  return typeof name === 'string' ? `/${name}` : ''
}

const fastifyCodes: Record<string, { code: string, title: string, status?: number }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', title: 'Unsupported content type', status: 415 },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', title: 'Request body too large', status: 413 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'INVALID_INPUT', title: 'Invalid input', status: 400 },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_INPUT', title: 'Invalid input', status: 400 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'INVALID_INPUT', title: 'Invalid input', status: 400 },
  FST_ERR_BAD_URL: { code: 'INVALID_INPUT', title: 'Invalid input', status: 400 },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'INVALID_INPUT', title: 'Invalid input', status: 400 },
  // @fastify/csrf-protection: a page's button posted without its form token, or with a wrong one.
  FST_CSRF_MISSING_SECRET: { code: 'CSRF_INVALID', title: 'The form has expired', status: 403 },
  FST_CSRF_INVALID_TOKEN: { code: 'CSRF_INVALID', title: 'The form has expired', status: 403 }
}

function httpTitle (status: number): string {
  const titles: Record<number, string> = {
    400: 'Invalid input',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not found',
    405: 'Method not allowed',
    409: 'Conflict',
    413: 'Request body too large',
    415: 'Unsupported content type',
    429: 'Too many requests'
  }
  return titles[status] ?? 'Request failed'
}

/** Errors thrown as ready problem bodies (e.g. by the rate limiter) pass through unchanged. */
function isProblem (err: unknown): err is Problem & { statusCode?: number } {
  const e = err as Partial<Problem> | undefined
  return typeof e?.type === 'string' && typeof e.code === 'string' && typeof e.status === 'number' && typeof e.title === 'string'
}

function stripStatusCode (p: Problem & { statusCode?: number }): Problem {
  const { statusCode: _ignored, ...rest } = p
  return rest as Problem
}
