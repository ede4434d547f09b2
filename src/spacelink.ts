/**
 * The composition root of the domain: config + store + upstream clients + actions, without Fastify.
 * The server, the CLI and the nightly sync all build one of these.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Dispatcher } from 'undici'
import pino, { type Logger } from 'pino'
import type { Config } from './config/schema.js'
import type { RetryPolicy } from './clients/http.js'
import { createUpstreams } from './clients/upstreams.js'
import { openStore, type Store } from './store/index.js'
import type { Services } from './actions/context.js'
import { createEvents } from './actions/events.js'
import { handlers } from './actions/handlers/index.js'
import { runAction } from './actions/run-action.js'
import type { ActionRequest, ActionResult } from './actions/types.js'

export interface Spacelink extends Services {
  run: (req: ActionRequest) => Promise<ActionResult>
  /** Aborted when the process shuts down: running syncs stop at the next item boundary. */
  stopping: AbortSignal
  /** Keeps `work` (a sync answered before it ends) in the set shutdown waits for. */
  track: (work: Promise<unknown>) => void
  close: () => Promise<void>
}

export interface SpacelinkOptions {
  config: Config
  /** An open store to use (tests); otherwise one is opened from `config.database.url`. */
  store?: Store
  /** Dispatchers to use instead of fresh pools (tests pass an undici MockAgent). */
  rsDispatcher?: Dispatcher
  csDispatcher?: Dispatcher
  logger?: Logger
  retry?: RetryPolicy
  /** Replacements for the clock and the deadline timer (tests). */
  services?: Partial<Pick<Services, 'now' | 'sleep'>>
  /** How long close() waits for work answered early to finish (default 30 s). */
  closeWaitMs?: number
}

export async function createSpacelink (opts: SpacelinkOptions): Promise<Spacelink> {
  const { config } = opts
  const log = opts.logger ?? pino({ level: 'silent' })
  const store = opts.store ?? await openStore(config.database.url)
  const upstreams = createUpstreams(config, opts)
  const { rs, cs } = upstreams
  const services: Services = {
    config,
    store,
    rs,
    cs,
    log,
    background: new Set(),
    now: () => new Date(),
    sleep: async (ms, signal) => { await sleep(ms, undefined, { signal }) },
    events: createEvents(),
    ...opts.services
  }
  const stop = new AbortController()
  return {
    ...services,
    run: async req => await runAction(services, handlers[req.queryType], req),
    stopping: stop.signal,
    track: work => {
      const settled = work.then(() => {}, () => {})
      services.background.add(settled)
      settled.finally(() => services.background.delete(settled)).catch(() => {})
    },
    close: async () => {
      stop.abort()
      // Work answered early (a push past the button's deadline) finishes before the pools and store close.
      await Promise.race([Promise.allSettled([...services.background]), sleep(opts.closeWaitMs ?? 30_000, undefined, { ref: false })])
      await upstreams.close()
      if (opts.store === undefined) await store.close()
    }
  }
}
