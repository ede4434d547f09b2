/**
 * The composition root of the domain: config + store + upstream clients + actions, without Fastify.
 * The server, the CLI and the nightly sync all build one of these.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Dispatcher } from 'undici'
import pino, { type Logger } from 'pino'
import type { Config } from './config/schema.js'
import { ResourceSpaceClient } from './clients/resourcespace.js'
import { CollectionSpaceClient } from './clients/collectionspace.js'
import { createDispatcher, defaultRetryPolicy, type RetryPolicy } from './clients/http.js'
import { openStore, type Store } from './store/index.js'
import type { Services } from './actions/action-context.js'
import { createEvents } from './actions/events.js'
import { runAction } from './actions/run-action.js'
import type { ActionRequest, ActionResult } from './actions/types.js'
import { SpacelinkError } from './errors.js'

export interface Spacelink extends Services {
  run: (req: ActionRequest) => Promise<ActionResult>
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
  /** How long close() waits for work answered early to finish (default 30 s). */
  closeWaitMs?: number
}

export async function createSpacelink (opts: SpacelinkOptions): Promise<Spacelink> {
  const { config } = opts
  const log = opts.logger ?? pino({ level: 'silent' })
  const retry = opts.retry ?? { ...defaultRetryPolicy, retries: config.sync.retries, baseDelayMs: config.sync.retryBaseDelayMs }
  const store = opts.store ?? await openStore(config.database.url)
  const owned: Dispatcher[] = []
  const own = (d: Dispatcher): Dispatcher => { owned.push(d); return d }

  const rs = new ResourceSpaceClient({
    apiUrl: config.resourcespace.apiUrl,
    user: config.resourcespace.user,
    key: config.resourcespace.key,
    dispatcher: opts.rsDispatcher ?? own(createDispatcher({ timeoutMs: config.resourcespace.timeoutMs, connections: config.resourcespace.connections })),
    retry,
    pageSize: config.sync.pageSize
  })
  const csClients = new Map<string, CollectionSpaceClient>()
  for (const [name, instance] of Object.entries(config.instances)) {
    csClients.set(name, new CollectionSpaceClient({
      servicesUrl: instance.cspace.servicesUrl,
      user: instance.cspace.user,
      password: instance.cspace.password,
      dispatcher: opts.csDispatcher ?? own(createDispatcher({ timeoutMs: instance.cspace.timeoutMs, connections: instance.cspace.connections })),
      retry
    }))
  }
  const cs = (name: string): CollectionSpaceClient => {
    const client = csClients.get(name)
    if (client === undefined) throw new SpacelinkError('UNKNOWN_INSTANCE', 400, 'Unknown instance', `no CollectionSpace instance named '${name}' is configured`)
    return client
  }
  const services: Services = { config, store, rs, cs, log, background: new Set(), events: createEvents() }
  return {
    ...services,
    run: async req => await runAction(services, req),
    close: async () => {
      // Work answered early (a push past the button's deadline) finishes before the pools and store close.
      await Promise.race([Promise.allSettled([...services.background]), sleep(opts.closeWaitMs ?? 30_000, undefined, { ref: false })])
      // One pool at a time, and destroyed when in-flight requests (cut off by the caller) keep it open:
      // closing them all at once was seen to hang after a load test.
      for (const d of owned) {
        const closed = await Promise.race([d.close().then(() => true), sleep(5_000, false, { ref: false })])
        if (!closed) await d.destroy()
      }
      if (opts.store === undefined) await store.close()
    }
  }
}
