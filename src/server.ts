/**
 * Starts spacelink as a server: load the config, build the app, listen, and close gracefully on signals
 * (in-flight button presses finish, pools and the database close).
 */
import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import closeWithGrace from 'close-with-grace'
import app, { type AppOptions } from './app.js'
import { loadConfig } from './config/load.js'
import type { Config } from './config/schema.js'
import { loggerOptions } from './logger.js'
import type { DestinationStream } from 'pino'

export async function buildServer (config: Config, extra: Partial<AppOptions> = {}, logStream?: DestinationStream): Promise<FastifyInstance> {
  const server = Fastify({
    logger: { ...loggerOptions(process.env.LOG_LEVEL ?? config.server.logLevel, logStream !== undefined), ...(logStream === undefined ? {} : { stream: logStream }) },
    bodyLimit: config.server.bodyLimit,
    // Loading the route and plugin files can take long on a loaded machine (or under a TypeScript loader): be patient.
    pluginTimeout: 120_000,
    connectionTimeout: 0,
    requestTimeout: 120_000,
    keepAliveTimeout: 72_000,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, useDefaults: true } }
  })
  await server.register(fp(app), { config, schedule: true, ...extra })
  return server
}

export async function startServer (config: Config, extra: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const server = await buildServer(config, extra)
  closeWithGrace({ delay: Number(process.env.FASTIFY_CLOSE_GRACE_DELAY ?? 10_000) }, async ({ err, signal }) => {
    if (err !== undefined) server.log.error({ err }, 'closing after an error')
    else server.log.info({ signal }, 'closing')
    await server.close()
  })
  await server.listen({ host: config.server.host, port: config.server.port })
  return server
}

if (import.meta.filename === process.argv[1]) {
  await startServer(loadConfig({ env: process.env }))
}
