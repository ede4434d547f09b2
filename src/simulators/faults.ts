/**
 * Fault injection for the upstream simulators (RS and CS share it). A test or the demo adds faults at
 * run time; each one matches requests by method, path or upstream operation (an RS function name, a CS
 * `METHOD /path` label) and makes the simulator misbehave the way real servers and networks do:
 *
 * - `status`: answer with this status (and body) instead of doing the work;
 * - `reset`: destroy the connection without answering (ECONNRESET at the client);
 * - `hang`: accept the request and never answer (the client's timeout must fire);
 * - `fail-after-write`: do the work (a write really happens), then destroy the connection instead of
 *   answering — the case that makes blind retries of writes dangerous;
 * - `latency`: wait `ms`, then answer normally;
 * - `hold`: wait until the test resolves `until`, then answer normally (time-independent slowness).
 */
import type { Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

export type FaultKind = 'status' | 'reset' | 'hang' | 'fail-after-write' | 'latency' | 'hold'

/** What a fault matcher sees of a request. */
export interface FaultRequest {
  method: string
  /** URL path without the query string. */
  path: string
  /** The simulator's name for the call (an RS function name such as `update_field`). */
  operation: string
  /** The request URL as sent (path and query), e.g. to tell one RS field or one CS search from another. */
  url: string
}

/** A predicate, or fields that must all be equal (omitted fields match anything). */
export type FaultMatch =
  | ((req: FaultRequest) => boolean)
  | { operation?: string, method?: string, path?: string }

export interface FaultSpec {
  match: FaultMatch
  kind: FaultKind
  /** For `status`: the status code (default 500). */
  status?: number
  /** For `status`: the body (default empty). */
  body?: string
  /** For `status`: the content type (default `text/plain`). */
  contentType?: string
  /** How many matching requests the fault affects; default: every one until removed or cleared. */
  times?: number
  /** For `latency`: the delay; for `hang`: optional time after which the connection is destroyed. */
  ms?: number
  /** For `hold`: the request is answered once this settles. */
  until?: Promise<unknown>
}

export interface Fault {
  readonly id: number
  readonly spec: FaultSpec
  /** How many requests this fault has affected so far. */
  readonly hits: number
  remove: () => void
}

interface FaultEntry extends Fault {
  hits: number
  remaining: number
}

const failAfterWrite = new WeakSet<FastifyRequest>()

export class FaultInjector {
  private readonly faults: FaultEntry[] = []
  private readonly hungSockets = new Set<Socket>()
  private nextId = 1

  /** Adds a fault; the returned handle tells how often it fired and removes it again. */
  add (spec: FaultSpec): Fault {
    const entry: FaultEntry = {
      id: this.nextId++,
      spec,
      hits: 0,
      remaining: spec.times ?? Number.POSITIVE_INFINITY,
      remove: () => { this.removeEntry(entry) }
    }
    this.faults.push(entry)
    return entry
  }

  /** Removes every fault (hung connections stay hung until the simulator closes). */
  clear (): void {
    this.faults.length = 0
  }

  /** The faults still active, oldest first. */
  list (): Fault[] {
    return [...this.faults]
  }

  /** The first active fault that matches `req`, with one use consumed; undefined when none matches. */
  take (req: FaultRequest): FaultSpec | undefined {
    const entry = this.faults.find((fault) => matches(fault.spec.match, req))
    if (entry === undefined) return undefined
    entry.hits++
    entry.remaining--
    if (entry.remaining <= 0) this.removeEntry(entry)
    return entry.spec
  }

  /**
   * Hooks the injector into a Fastify app. Faults are decided in `preHandler`, after the body is parsed,
   * so `operationOf` may look at form fields (RS POSTs carry the function inside the body).
   * Requests for which `operationOf` returns undefined are never faulted (e.g. the simulator's state page).
   */
  install (app: FastifyInstance, operationOf: (request: FastifyRequest) => string | undefined): void {
    app.addHook('preHandler', async (request, reply) => {
      const operation = operationOf(request)
      if (operation === undefined) return
      const path = request.url.split('?', 1)[0] ?? request.url
      const fault = this.take({ method: request.method, path, operation, url: request.url })
      if (fault === undefined) return
      return await this.apply(fault, request, reply)
    })
    app.addHook('onSend', async (request, reply, payload) => {
      if (failAfterWrite.has(request)) {
        // The handler has done its work (the write is in the store); the client never hears about it.
        request.raw.socket?.destroy()
      }
      return payload
    })
    app.addHook('preClose', async () => { this.releaseHung() })
  }

  /** Destroys every connection held open by a `hang` fault. */
  releaseHung (): void {
    for (const socket of this.hungSockets) socket.destroy()
    this.hungSockets.clear()
  }

  private async apply (fault: FaultSpec, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    switch (fault.kind) {
      case 'latency':
        await sleep(fault.ms ?? 0)
        return undefined
      case 'hold':
        await fault.until?.catch(() => {})
        return undefined
      case 'fail-after-write':
        failAfterWrite.add(request)
        return undefined
      case 'status':
        return reply
          .code(fault.status ?? 500)
          .header('content-type', fault.contentType ?? 'text/plain')
          .send(fault.body ?? '')
      case 'reset':
        reply.hijack()
        request.raw.socket?.destroy()
        return reply
      case 'hang':
        reply.hijack()
        this.hold(request.raw.socket, fault.ms)
        return reply
    }
  }

  private hold (socket: Socket | null | undefined, ms: number | undefined): void {
    if (socket == null) return
    this.hungSockets.add(socket)
    socket.once('close', () => { this.hungSockets.delete(socket) })
    if (ms !== undefined) setTimeout(() => { socket.destroy() }, ms).unref()
  }

  private removeEntry (entry: FaultEntry): void {
    const index = this.faults.indexOf(entry)
    if (index !== -1) this.faults.splice(index, 1)
  }
}

function matches (match: FaultMatch, req: FaultRequest): boolean {
  if (typeof match === 'function') return match(req)
  return (match.operation === undefined || match.operation === req.operation) &&
    (match.method === undefined || match.method.toUpperCase() === req.method.toUpperCase()) &&
    (match.path === undefined || match.path === req.path)
}
