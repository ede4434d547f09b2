/**
 * Domain errors. Every error spacelink raises on purpose carries a stable `code` (clients and the RS
 * status field rely on it), the HTTP status the API answers with, and a short human title. The app's
 * error handler turns them into RFC 9457 problem details; the CLI prints `title: message`.
 */

import type { UpstreamSystem } from './vocabulary.js'

export type { UpstreamSystem }

export class SpacelinkError extends Error {
  readonly code: string
  readonly status: number
  readonly title: string
  /** Extra problem members (e.g. `candidates`), safe to show to callers. */
  readonly extra: Record<string, unknown>

  constructor (code: string, status: number, title: string, message: string, extra: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options)
    this.name = 'SpacelinkError'
    this.code = code
    this.status = status
    this.title = title
    this.extra = extra
  }
}

/** Something an upstream (RS or CS) did, or failed to do. `retryable` says whether an identical retry may help. */
export class UpstreamError extends SpacelinkError {
  readonly system: UpstreamSystem
  readonly operation: string
  readonly retryable: boolean
  readonly upstreamStatus: number | undefined

  constructor (init: {
    code: string
    status: number
    title: string
    system: UpstreamSystem
    operation: string
    message: string
    retryable: boolean
    upstreamStatus?: number
    cause?: unknown
  }) {
    super(init.code, init.status, init.title, init.message, { system: init.system, operation: init.operation }, { cause: init.cause })
    this.name = 'UpstreamError'
    this.system = init.system
    this.operation = init.operation
    this.retryable = init.retryable
    this.upstreamStatus = init.upstreamStatus
  }
}

const systemName: Record<UpstreamSystem, string> = {
  resourcespace: 'ResourceSpace',
  collectionspace: 'CollectionSpace'
}

/** The upstream did not answer (or finish answering) in time. */
export function upstreamTimeout (system: UpstreamSystem, operation: string, cause?: unknown): UpstreamError {
  return new UpstreamError({
    code: 'UPSTREAM_TIMEOUT',
    status: 504,
    title: `${systemName[system]} timed out`,
    system,
    operation,
    message: `${systemName[system]} did not answer ${operation} in time`,
    retryable: true,
    cause
  })
}

/** Connection refused, reset or closed before a complete answer. */
export function upstreamUnreachable (system: UpstreamSystem, operation: string, cause?: unknown): UpstreamError {
  const reason = cause instanceof Error ? `: ${(cause as NodeJS.ErrnoException).code ?? cause.message}` : ''
  return new UpstreamError({
    code: 'UPSTREAM_UNREACHABLE',
    status: 502,
    title: `${systemName[system]} unreachable`,
    system,
    operation,
    message: `could not reach ${systemName[system]} for ${operation}${reason}`,
    retryable: true,
    cause
  })
}

/**
 * The upstream answered with a status that means failure. 401 means the credentials themselves were
 * refused; 403 means they were accepted but this user may not do this (a permission, not a password:
 * the caller explains which with `forbidden`). 5xx and 429 are worth retrying, other 4xx are not.
 */
export function upstreamStatus (system: UpstreamSystem, operation: string, statusCode: number, bodySnippet = ''): UpstreamError {
  if (statusCode === 401) {
    return new UpstreamError({
      code: 'UPSTREAM_AUTH',
      status: 502,
      title: `${systemName[system]} refused spacelink's credentials`,
      system,
      operation,
      message: `${systemName[system]} answered 401 to ${operation}: check spacelink's ${system === 'resourcespace' ? 'RS user and API key' : 'CS user and password'}`,
      retryable: false,
      upstreamStatus: statusCode
    })
  }
  if (statusCode === 403) {
    return upstreamForbidden(
      system,
      operation,
    `${systemName[system]} answered 403 to ${operation}: the user spacelink acts as is not allowed to do this`
    )
  }
  const retryable = statusCode >= 500 || statusCode === 429
  const snippet = bodySnippet.trim().slice(0, 200)
  return new UpstreamError({
    code: 'UPSTREAM_ERROR',
    status: 502,
    title: `${systemName[system]} answered with an error`,
    system,
    operation,
    message: `${systemName[system]} answered ${statusCode} to ${operation}${snippet === '' ? '' : `: ${snippet}`}`,
    retryable,
    upstreamStatus: statusCode
  })
}

/** The credentials were accepted but the user lacks a permission; `message` names the call and the permission. */
export function upstreamForbidden (system: UpstreamSystem, operation: string, message: string): UpstreamError {
  return new UpstreamError({
    code: 'UPSTREAM_FORBIDDEN',
    status: 502,
    title: `${systemName[system]} refused a call to spacelink's user`,
    system,
    operation,
    message,
    retryable: false,
    upstreamStatus: 403
  })
}

/** The upstream answered 200 but with something that is not a success (RS `false`, empty body, HTML, bad XML). */
export function upstreamBadAnswer (system: UpstreamSystem, operation: string, what: string): UpstreamError {
  return new UpstreamError({
    code: 'UPSTREAM_BAD_ANSWER',
    status: 502,
    title: `${systemName[system]} answered wrongly`,
    system,
    operation,
    message: `${systemName[system]} answered ${operation} with ${what}`,
    retryable: false
  })
}

/** A record that spacelink was asked about does not exist upstream. */
export function upstreamNotFound (system: UpstreamSystem, operation: string, what: string): UpstreamError {
  return new UpstreamError({
    code: system === 'resourcespace' ? 'RESOURCE_NOT_FOUND' : 'RECORD_NOT_FOUND',
    status: 404,
    title: system === 'resourcespace' ? 'Unknown ResourceSpace resource' : 'Unknown CollectionSpace record',
    system,
    operation,
    message: `${what} does not exist in ${systemName[system]}`,
    retryable: false,
    upstreamStatus: 404
  })
}

export function isUpstreamError (err: unknown): err is UpstreamError {
  return err instanceof UpstreamError
}
