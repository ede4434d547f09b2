/**
 * The upstream clients of a configuration: one RS client and one CS client per instance, each on its own
 * undici pool (or on the dispatchers a test passes), and the one way to close those pools.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Dispatcher } from 'undici'
import type { Config } from '../config/schema.js'
import { CollectionSpaceClient } from './collectionspace.js'
import { createDispatcher, defaultRetryPolicy, type RetryPolicy } from './http.js'
import { ResourceSpaceClient } from './resourcespace.js'
import { unknownInstance } from '../config/instances.js'
import { AdaptiveLimit } from '../util/adaptive-limit.js'

export interface Upstreams {
  rs: ResourceSpaceClient
  cs: (instance: string) => CollectionSpaceClient
  /** Closes the pools this created (not dispatchers passed in). */
  close: () => Promise<void>
}

export interface UpstreamOptions {
  /** Dispatchers to use instead of fresh pools (tests pass an undici MockAgent). */
  rsDispatcher?: Dispatcher
  csDispatcher?: Dispatcher
  retry?: RetryPolicy
}

/**
 * Every upstream (RS, and each CS instance on its own) gets an adaptive concurrency limit: it starts at
 * `sync.concurrency` calls in flight and moves between 1 and `sync.maxConcurrency` with the upstream's
 * latency and its 429/503 answers (src/util/adaptive-limit.ts). Buttons and the nightly run share it;
 * the run's calls queue behind the buttons'.
 */
export function upstreamLimit (config: Config): AdaptiveLimit {
  const { concurrency, maxConcurrency } = config.sync
  return new AdaptiveLimit({ initial: concurrency, max: Math.max(concurrency, maxConcurrency) })
}

export function createUpstreams (config: Config, opts: UpstreamOptions = {}): Upstreams {
  const retry = opts.retry ?? { ...defaultRetryPolicy, retries: config.sync.retries, baseDelayMs: config.sync.retryBaseDelayMs }
  const owned: Dispatcher[] = []
  const own = (d: Dispatcher): Dispatcher => { owned.push(d); return d }
  const rs = new ResourceSpaceClient({
    apiUrl: config.resourcespace.apiUrl,
    user: config.resourcespace.user,
    key: config.resourcespace.key,
    dispatcher: opts.rsDispatcher ?? own(createDispatcher({ timeoutMs: config.resourcespace.timeoutMs, connections: config.resourcespace.connections })),
    retry,
    limit: upstreamLimit(config),
    pageSize: config.sync.pageSize
  })
  const csClients = new Map<string, CollectionSpaceClient>()
  for (const [name, instance] of Object.entries(config.instances)) {
    csClients.set(name, new CollectionSpaceClient({
      servicesUrl: instance.cspace.servicesUrl,
      user: instance.cspace.user,
      password: instance.cspace.password,
      dispatcher: opts.csDispatcher ?? own(createDispatcher({ timeoutMs: instance.cspace.timeoutMs, connections: instance.cspace.connections })),
      retry,
      limit: upstreamLimit(config)
    }))
  }
  return {
    rs,
    cs: name => {
      const client = csClients.get(name)
      if (client === undefined) throw unknownInstance(config, name)
      return client
    },
    close: async () => {
      // One pool at a time, and destroyed when in-flight requests (cut off by the caller) keep it open:
      // closing them all at once was seen to hang after a load test.
      for (const d of owned) {
        const closed = await Promise.race([d.close().then(() => true), sleep(5_000, false, { ref: false })])
        if (!closed) await d.destroy()
      }
    }
  }
}
