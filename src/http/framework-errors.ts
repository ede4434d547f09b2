/**
 * Problem+json for the errors Fastify and Node answer before any route or error handler runs: requests
 * the HTTP parser refuses (a malformed request line or header, headers too large, a request too slow) and
 * URLs Fastify cannot decode. Without these the answer would be Fastify's own `{"error":…}` shape.
 */
import type { Socket } from 'node:net'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { problem, problemContentType } from './problem.js'

function clientProblem (code: string | undefined): { status: number, reason: string, body: ReturnType<typeof problem> } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      reason: 'Request Header Fields Too Large',
      body: problem(431, 'HEADERS_TOO_LARGE', 'Request header fields too large', 'the request headers are larger than the server accepts')
    }
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, reason: 'Request Timeout', body: problem(408, 'REQUEST_TIMEOUT', 'Request timeout', 'the request was not received in time') }
  }
  return { status: 400, reason: 'Bad Request', body: problem(400, 'BAD_REQUEST', 'Malformed request', 'the HTTP request could not be parsed') }
}

/** Fastify's `clientErrorHandler`: answers on the raw socket, then closes it. */
export function clientErrorHandler (err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const { status, reason, body } = clientProblem(err.code)
  const text = JSON.stringify(body)
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${problemContentType}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`)
  }
  socket.destroy()
}

/** Fastify's `frameworkErrors`: a URL that cannot be decoded (FST_ERR_BAD_URL) or a bad constraint value. */
export function frameworkErrors (err: Error, request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0] ?? ''
  reply.code(400).type(problemContentType).send({ ...problem(400, 'INVALID_INPUT', 'Invalid input', err.message), instance: path })
}
