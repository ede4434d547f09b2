/**
 * Starts spacelink as a server: load the config, build the app, listen, and close gracefully on signals
 * (in-flight button presses finish, pools and the database close).
 */
import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import closeWithGrace from 'close-with-grace'
import app, { type AppOptions } from './app.js'
import { ConfigError, loadConfig } from './config/load.js'
import { formatProblems } from './config/check.js'
import { SpacelinkError } from './errors.js'
import type { Config } from './config/schema.js'
import { loggerOptions } from './logger.js'
import { clientErrorHandler, frameworkErrors } from './http/framework-errors.js'
import type { DestinationStream } from 'pino'

export async function buildServer (config: Config, extra: Partial<AppOptions> = {}, logStream?: DestinationStream): Promise<FastifyInstance> {
  const server = Fastify({
    logger: {
      ...loggerOptions(process.env.LOG_LEVEL ?? config.server.logLevel, logStream !== undefined),
      ...(logStream === undefined ? {} : { stream: logStream })
    },
    bodyLimit: config.server.bodyLimit,
    // Loading the route and plugin files can take long on a loaded machine (or under a TypeScript loader): be patient.
    pluginTimeout: 120_000,
    connectionTimeout: 0,
    requestTimeout: 120_000,
    keepAliveTimeout: 72_000,
    forceCloseConnections: 'idle',
    clientErrorHandler,
    frameworkErrors,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, useDefaults: true } }
  })
  const drainMs = extra.drainMs ?? closeGraceMs() / 2
  drainOnClose(server, drainMs)
  await server.register(fp(app), { config, schedule: true, ...extra, drainMs })
  return server
}

/** The whole shutdown budget: close-with-grace ends the process once it has passed. */
function closeGraceMs (): number {
  const ms = Number(process.env.FASTIFY_CLOSE_GRACE_DELAY ?? 10_000)
  return Number.isFinite(ms) && ms > 0 ? ms : 10_000
}

/**
 * A bounded close: requests in flight when close() is called may finish (their answers say
 * `Connection: close`, so keep-alive connections end with them), idle connections end at once, and
 * whatever is still open after `drainMs` (a hung request, a client that never finishes sending) is cut.
 */
function drainOnClose (server: FastifyInstance, drainMs: number): void {
  let closing = false
  let cutOff: NodeJS.Timeout | undefined
  server.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close')
  })
  server.addHook('preClose', async () => {
    closing = true
    server.server.closeIdleConnections()
    cutOff = setTimeout(() => { server.server.closeAllConnections() }, drainMs).unref()
  })
  server.addHook('onClose', async () => { clearTimeout(cutOff) })
}

export async function startServer (config: Config, extra: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const server = await buildServer(config, extra)
  closeWithGrace({ delay: closeGraceMs() }, async ({ err, signal }) => {
    if (err !== undefined) server.log.error({ err }, 'closing after an error')
    else server.log.info({ signal }, 'closing')
    await server.close()
  })
  try {
    await server.listen({ host: config.server.host, port: config.server.port })
  } catch (err) {
    await server.close()
    throw err
  }
  return server
}

/** What a failed start prints: one line per problem, no stack trace. */
export function startFailure (err: unknown): string {
  if (err instanceof ConfigError) return `spacelink: cannot start: ${formatProblems(err.problems).split('\n').join('\nspacelink: cannot start: ')}\n`
  if (err instanceof SpacelinkError) return `spacelink: cannot start: ${err.title}: ${err.message}\n`
  return `spacelink: cannot start: ${err instanceof Error ? err.message : String(err)}\n`
}

if (import.meta.filename === process.argv[1]) {
  try {
    await startServer(loadConfig({ env: process.env }))
  } catch (err) {
    process.stderr.write(startFailure(err))
    process.exitCode = 1
  }
}
