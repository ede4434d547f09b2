/**
 * The HTTP layer both upstream clients stand on: connection pools with explicit timeouts, one place that
 * turns undici's network errors into typed upstream errors, bounded retries with backoff and jitter for
 * idempotent calls, and a record of every upstream call for the transaction that made it.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Agent, type Dispatcher } from 'undici'
import { UpstreamError, upstreamStatus, upstreamTimeout, upstreamUnreachable } from '../errors.js'
import type { AdaptiveLimit, LimitSample, LimitSlot, Priority } from '../util/adaptive-limit.js'
import type { UpstreamCall, UpstreamSystem } from '../vocabulary.js'

export interface HttpOptions {
  /** Budget for one answer: connect, headers and body each get at most this long. */
  timeoutMs: number
  /** Keep-alive connections per origin. */
  connections?: number
}

/**
 * One Agent per upstream: undici keeps one Pool per origin inside it (RS may serve downloads from a
 * second origin), with keep-alive and explicit timeouts instead of undici's 300 s defaults.
 */
export function createDispatcher ({ timeoutMs, connections = 16 }: HttpOptions): Dispatcher {
  return new Agent({
    connections,
    connect: { timeout: Math.min(timeoutMs, 10_000) },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000
  })
}

export interface RetryPolicy {
  /** Further attempts after the first one. */
  retries: number
  baseDelayMs: number
  maxDelayMs: number
}

export const defaultRetryPolicy: RetryPolicy = { retries: 3, baseDelayMs: 200, maxDelayMs: 5_000 }

/** Exponential backoff with full jitter: a random delay in [0, min(max, base·2^attempt)]. */
export function backoffDelay (attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt)
  return Math.floor(Math.random() * ceiling)
}

/** Runs `call` again while it fails with a retryable upstream error, at most `policy.retries` more times. */
export async function withRetry<T> (call: (attempt: number) => Promise<T>, policy: RetryPolicy = defaultRetryPolicy): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call(attempt)
    } catch (err) {
      if (!(err instanceof UpstreamError) || !err.retryable || attempt >= policy.retries) throw err
      await sleep(backoffDelay(attempt, policy))
    }
  }
}

const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'])
const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'])

/** Turns a network-level failure into a typed upstream error; anything else (a bug, a mock mismatch) passes through. */
export function translateNetworkError (err: unknown, system: UpstreamSystem, operation: string): unknown {
  if (err instanceof UpstreamError) return err
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  if (code !== undefined && timeoutCodes.has(code)) return upstreamTimeout(system, operation, err)
  if (code !== undefined && unreachableCodes.has(code)) return upstreamUnreachable(system, operation, err)
  if ((err as Error | undefined)?.name === 'TimeoutError') return upstreamTimeout(system, operation, err)
  return err
}

const callLog = new AsyncLocalStorage<UpstreamCall[]>()

/** Runs `work` and returns its result with every upstream call made inside it (across awaits). */
export async function collectUpstreamCalls<T> (work: () => Promise<T>): Promise<{ result: T, calls: UpstreamCall[] }> {
  const calls: UpstreamCall[] = []
  const result = await callLog.run(calls, work)
  return { result, calls }
}

/** Starts `work` and hands back its promise together with the live list of its upstream calls. */
export function trackUpstreamCalls<T> (work: () => Promise<T>): { done: Promise<T>, calls: UpstreamCall[] } {
  const calls: UpstreamCall[] = []
  return { done: callLog.run(calls, work), calls }
}

/** The calls recorded so far in the current collection (empty outside one). */
export function currentUpstreamCalls (): UpstreamCall[] {
  return callLog.getStore() ?? []
}

/** Watchers of every upstream call, in or out of a collection (metrics). */
const observers = new Set<(call: UpstreamCall) => void>()

/** Calls `observer` with every upstream call from now on; returns the function that stops it. */
export function observeUpstreamCalls (observer: (call: UpstreamCall) => void): () => void {
  observers.add(observer)
  return () => { observers.delete(observer) }
}

export function recordUpstreamCall (call: UpstreamCall): void {
  callLog.getStore()?.push(call)
  for (const observer of observers) observer(call)
}

export interface UpstreamRequest {
  system: UpstreamSystem
  /** A short name for logs and the transaction record: `do_search`, `POST /blobs`. */
  operation: string
  url: URL
  method: Dispatcher.HttpMethod
  headers?: Record<string, string>
  body?: Dispatcher.DispatchOptions['body']
  /** Largest body read into memory; more is an error (upstreams answer small documents). */
  maxBodyBytes?: number
  /** Aborts the request (and a streaming body) when the caller no longer wants it. */
  signal?: AbortSignal
  /** The upstream's adaptive concurrency limit: the request waits for a place and reports how it went. */
  limit?: AdaptiveLimit
}

/** Limits a run uses instead of the shared ones, by shared limit (a run with a fixed call width of its own). */
export type OwnLimits = ReadonlyMap<AdaptiveLimit, AdaptiveLimit>

const background = new AsyncLocalStorage<{ own?: OwnLimits }>()

/**
 * Runs `work` with its upstream calls queued behind everyone else's (the nightly run's items), so a
 * button press waiting for the same upstream is served first. With `own`, its calls wait for those limits
 * instead of the shared ones: a run's fixed width (`--serial-calls`) then never narrows the buttons'.
 */
export async function inBackground<T> (work: () => Promise<T>, own?: OwnLimits): Promise<T> {
  return await background.run(own === undefined ? {} : { own }, work)
}

/**
 * 429 Too Many Requests and 503 Service Unavailable: the upstream asks for fewer calls at once. So do 502
 * and 504 from the proxy in front of it: nginx answers 502 when PHP-FPM's listen backlog is full (connect
 * fails with EAGAIN) and 504 when a call waited in it past `fastcgi_read_timeout`.
 */
export function isOverloadStatus (status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504
}

/**
 * What an answer tells the limit: an overload, or a latency when the upstream did the work. Other errors
 * (401, 404, 500) tell it nothing: they come back fast and would pull the operation's baseline down, so
 * that every good answer after them looked like queueing.
 */
function answered (req: UpstreamRequest, ms: number, status: number): LimitSample | undefined {
  if (isOverloadStatus(status)) return { operation: req.operation, ms, overloaded: true }
  return status < 400 ? { operation: req.operation, ms, overloaded: false } : undefined
}

export interface TextResponse {
  statusCode: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/**
 * Sends one request and reads the whole (small) answer as text. Never throws for an HTTP status: the
 * caller decides what each status means. Network failures and timeouts become typed upstream errors.
 */
export async function requestText (dispatcher: Dispatcher, req: UpstreamRequest): Promise<TextResponse> {
  const slot = await acquire(req)
  const started = performance.now()
  let statusCode: number | null = null
  try {
    const res = await send(dispatcher, req)
    statusCode = res.statusCode
    const text = await readLimited(res.body, req.maxBodyBytes ?? 32 * 1024 * 1024)
    const ms = elapsed(started)
    slot?.release(answered(req, ms, statusCode))
    recordUpstreamCall({ system: req.system, operation: req.operation, method: req.method, status: statusCode, ms })
    return { statusCode, headers: res.headers, text }
  } catch (err) {
    const translated = translateNetworkError(err, req.system, req.operation)
    slot?.release(timedOut(translated, req, started))
    recordUpstreamCall({
      system: req.system,
      operation: req.operation,
      method: req.method,
      status: statusCode,
      ms: elapsed(started),
      error: (translated as Error).message
    })
    throw translated
  }
}

/**
 * Opens a streaming response (downloads). The caller must consume or destroy `body`. Statuses other than
 * 2xx are read, discarded and thrown as typed errors here, so callers only ever see a successful stream.
 */
export async function requestStream (dispatcher: Dispatcher, req: UpstreamRequest): Promise<Dispatcher.ResponseData> {
  const slot = await acquire(req)
  const started = performance.now()
  try {
    const res = await send(dispatcher, req)
    const ms = elapsed(started)
    // The place is given back at the answer's headers: the body streams on while its reader (a CS upload) waits for others.
    slot?.release(answered(req, ms, res.statusCode))
    recordUpstreamCall({ system: req.system, operation: req.operation, method: req.method, status: res.statusCode, ms })
    if (res.statusCode >= 400) {
      const text = await readLimited(res.body, 64 * 1024).catch(() => '')
      throw upstreamStatus(req.system, req.operation, res.statusCode, text)
    }
    return res
  } catch (err) {
    const translated = translateNetworkError(err, req.system, req.operation)
    slot?.release(timedOut(translated, req, started))
    if (!(translated instanceof UpstreamError) || translated.upstreamStatus === undefined) {
      recordUpstreamCall({
        system: req.system,
        operation: req.operation,
        method: req.method,
        status: null,
        ms: elapsed(started),
        error: (translated as Error).message
      })
    }
    throw translated
  }
}

/** A call that got no answer in time tells the limit what a 503 would; other failures tell it nothing. */
function timedOut (err: unknown, req: UpstreamRequest, started: number): LimitSample | undefined {
  return err instanceof UpstreamError && err.code === 'UPSTREAM_TIMEOUT' ? { operation: req.operation, ms: elapsed(started), overloaded: true } : undefined
}

async function acquire (req: UpstreamRequest): Promise<LimitSlot | undefined> {
  if (req.limit === undefined) return undefined
  const context = background.getStore()
  const priority: Priority = context === undefined ? 'foreground' : 'background'
  return await (context?.own?.get(req.limit) ?? req.limit).acquire(priority, req.signal)
}

async function send (dispatcher: Dispatcher, req: UpstreamRequest): Promise<Dispatcher.ResponseData> {
  return await dispatcher.request({
    origin: req.url.origin,
    path: req.url.pathname + req.url.search,
    method: req.method,
    headers: req.headers,
    body: req.body,
    ...(req.signal === undefined ? {} : { signal: req.signal })
  })
}

/** Reads a body to text, refusing to buffer more than `limit` bytes. */
export async function readLimited (body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += (chunk as Buffer).length
    if (size > limit) {
      body.destroy()
      throw new Error(`upstream answer larger than ${limit} bytes`)
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function elapsed (started: number): number {
  return Math.round((performance.now() - started) * 10) / 10
}
