/**
 * The ResourceSpace simulator: a small Fastify app on loopback that answers like a real RS as docs/resourcespace-api.md
 * record it (signed `GET /api/?…&sign=` and the POST form, the quirks of each function, download URLs
 * with access keys), plus what tests need around it: fault injection per RS function, latency, call
 * counters, a write log and a read-only state page at `GET /__sim/state` (no auth).
 *
 * Demo credentials: user `spacelink`, key `RS_SIMULATOR_KEY` below. The key is public on purpose: the
 * simulator guards nothing.
 */
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { FaultInjector } from '../faults.js'
import { AccessKeys } from './access-keys.js'
import { callRsFunction } from './api-functions.js'
import { registerDownloads } from './downloads.js'
import { openEditPage, pressButton, saveEditPage, type EditPage, type EditPageOptions, type PressResult, type SaveResult } from './edit-page.js'
import { isValidSignature } from './signature.js'
import { RsStore, type RsResource, type RsResourceInit, type RsState, type SeedManyOptions } from './store.js'
import { latencyProfile, type LatencyProfileName } from './latency.js'
import { RsUser, rsGroups, type RsUserInit } from './users.js'
import { WorkerPool, type WorkerPoolStats } from './workers.js'

export type { RsState, RsResourceInit, SeedManyOptions, RsWrite } from './store.js'

export const RS_SIMULATOR_USER = 'spacelink'
/** The simulator's fixed demo API key (sha256 of a public phrase; not a secret). */
export const RS_SIMULATOR_KEY = '0204be1061f119cf86d45c312bd29b605c835132b34284f717fe5d7a7034b8d3'
/** A Super Admin beside the least-privilege `spacelink` user (its key is public too). */
export const RS_SIMULATOR_ADMIN = { name: 'admin', key: 'a9c1c32f5b7e0d6e4f8a2b1c3d5e7f9012345678901234567890abcdefabcdef', permissions: rsGroups.superAdmin }

export interface RsSimulatorOptions {
  /** The main user's name and key (default `spacelink` with the demo key). */
  user?: string
  key?: string
  /** The main user's permission letters (default: RS's Administrators group, which lacks `a`). */
  permissions?: string
  /** More users (the Super Admin `admin` is always there). */
  users?: RsUserInit[]
  /** RS's per-call costs: `flat` (latencyMs on every call, default) or `real-rs` (as observed on a real RS). */
  latencyProfile?: LatencyProfileName
  /** Multiplies the profile's per-call costs (0.1: a real RS ten times faster, for short benchmarks). Default 1. */
  latencyScale?: number
  /**
   * PHP-FPM-like capacity: at most this many API calls (refused ones too) and download starts served at
   * once, each holding a worker for its latency; the rest queue in arrival order. Default: no limit.
   */
  workers?: number
  /** With `workers`: calls that may wait; more are answered 502 at once (as nginx does). Default: no bound. */
  backlog?: number
  /** Seed the sample museum (`sample-museum.ts`); default true. */
  seed?: boolean
  /** Added to every API answer and download. */
  latencyMs?: number
  /** How long a search count stays cached (RS: 30 min); the source of stale `total`s. */
  countTtlMs?: number
  host?: string
  /** 0 (default) = a free port. */
  port?: number
  logger?: boolean
}

export interface RsSimulatorApp {
  app: FastifyInstance
  store: RsStore
  faults: FaultInjector
  user: string
  key: string
  users: Map<string, RsUser>
  setLatency: (ms: number) => void
  /** The base URL download links start with; default: derived from the request's Host header. */
  setBaseUrl: (url: string) => void
  /** The workers' counters (busy, queued, their maxima), when `workers` was set. */
  workers: WorkerPoolStats | undefined
}

export interface RsSimulator {
  /** `http://127.0.0.1:PORT/api/` */
  apiUrl: string
  /** `http://127.0.0.1:PORT/` */
  baseUrl: string
  user: string
  key: string
  faults: FaultInjector
  app: FastifyInstance
  store: RsStore
  users: Map<string, RsUser>
  state: (opts?: { resources?: boolean }) => RsState
  addResource: (resource: RsResourceInit) => RsResource
  /** The edit page of a resource as RS renders it (what a later save is checked against). */
  openEditPage: (ref: number) => EditPage
  /** A person saves the edit page (with `edits` by field ref), as RS does it. */
  saveEditPage: (page: EditPage, edits?: Record<number, string>, opts?: EditPageOptions) => SaveResult
  /** A person presses an api_webhooks button on the edit page: save, call `url + ref`, re-render. */
  pressButton: (page: EditPage, button: { url: string, secret?: string }, opts?: EditPageOptions) => Promise<PressResult>
  /** Adds `n` generated resources (accession numbers `2018.3.N` unless supplied); returns their refs. */
  seedMany: (n: number, opts?: SeedManyOptions) => number[]
  setLatency: (ms: number) => void
  /** The workers' counters (busy, queued, their maxima), when `workers` was set. */
  workers: WorkerPoolStats | undefined
  close: () => Promise<void>
}

const apiPaths = new Set(['/api/', '/api/index.php', '/api'])

/** Builds the app without listening (usable with `inject`). */
export function buildResourceSpaceApp (opts: RsSimulatorOptions = {}): RsSimulatorApp {
  const user = opts.user ?? RS_SIMULATOR_USER
  const key = opts.key ?? RS_SIMULATOR_KEY
  const store = new RsStore({ countTtlMs: opts.countTtlMs })
  if (opts.seed !== false) store.seedSample()
  const users = new Map<string, RsUser>()
  for (const init of [
    { name: user, key, ...(opts.permissions === undefined ? {} : { permissions: opts.permissions }) },
    RS_SIMULATOR_ADMIN,
    ...(opts.users ?? [])
  ]) {
    users.set(init.name.toLowerCase(), new RsUser(init))
  }
  const keys = new AccessKeys(`download keys for ${key}`)
  const faults = new FaultInjector()
  let latencyMs = opts.latencyMs ?? 0
  const profile = latencyProfile(opts.latencyProfile ?? 'flat')
  const scale = opts.latencyScale ?? 1
  const pool = opts.workers === undefined
    ? undefined
    : new WorkerPool({ workers: opts.workers, ...(opts.backlog === undefined ? {} : { backlog: opts.backlog }) })
  let configuredBaseUrl: string | undefined
  const baseUrl = (request: FastifyRequest): string => configuredBaseUrl ?? `http://${request.headers.host ?? '127.0.0.1'}/`
  const wait = async (fn: string): Promise<void> => {
    const ms = latencyMs + Math.round(profile(fn) * scale)
    if (ms > 0) await sleep(ms)
  }
  /**
   * The call's service time, on a worker when the capacity is limited. The worker is free once the answer
   * is ready, before it is sent: behind nginx (whose 502 for a full backlog this models) an FPM worker
   * hands its answer to nginx, which buffers it (`fastcgi_buffering`, on by default, spooling up to 1 GB
   * to a temporary file), so a slow reader — a download read at a CS upload's pace — holds nginx, not PHP.
   */
  const delay = async (fn = 'download'): Promise<void> => {
    await (pool === undefined ? wait(fn) : pool.run(async () => { await wait(fn) }))
  }

  const app = Fastify({ logger: opts.logger ?? false, forceCloseConnections: true })
  // RS reads POSTed forms (`user`, `query`, `sign`); PHP decodes them like URLSearchParams does.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))))
  })
  faults.install(app, operationOf)

  async function api (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const urlQuery = rawQuery(request)
    const urlParams = new URLSearchParams(urlQuery)
    const form = formOf(request)
    // PHP `getval`: POST before GET. The signed string is the POSTed `query`, else the URL's query.
    const read = (name: string): string | undefined => form[name] ?? urlParams.get(name) ?? undefined
    const query = form.query ?? urlQuery
    // RS sets the JSON content type before it checks anything, so even its text answers carry it.
    reply.header('content-type', 'application/json')
    // RS looks the user up case-insensitively; an unknown user and a bad signature answer the same.
    const caller = users.get((read('user') ?? '').toLowerCase())
    if (caller === undefined || !isValidSignature(
      { user: read('user'), sign: read('sign'), authmode: read('authmode'), query },
      { user: caller.name, key: caller.key }
    )) {
      store.rejectedSignatures++
      // RS's PHP checks the signature: a refused call takes a worker too.
      await delay('(refused)')
      return await reply.code(401).send('Invalid signature')
    }
    const params = new URLSearchParams(query)
    const fn = params.get('function') ?? ''
    store.countCall(fn === '' ? '(none)' : fn)
    await delay(fn)
    const pretty = read('pretty')
    const answer = callRsFunction(fn, params, { store, keys, user: caller, baseUrl: baseUrl(request) }, pretty !== undefined && pretty !== '' && pretty !== '0')
    return await reply.code(answer.status).send(answer.body)
  }

  for (const url of apiPaths) app.route({ method: ['GET', 'POST'], url, handler: api })
  registerDownloads(app, { store, keys, baseUrl, delay })
  // The resource's view page, where links from spacelink's pages lead a person (a small stand-in).
  app.get('/pages/view.php', async function view (request, reply) {
    const ref = Number(new URLSearchParams(rawQuery(request)).get('ref'))
    const resource = store.resources.get(ref)
    if (resource === undefined) return await reply.code(404).type('text/html').send('<!DOCTYPE html><html><body><p>Resource not found.</p></body></html>')
    const rows = Object.entries(store.resourceState(resource).fields).map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`).join('')
    return await reply.type('text/html; charset=utf-8').send(`<!DOCTYPE html><html><head><title>Resource ${ref} · ResourceSpace (simulated)</title></head><body><h1>Resource ${ref}</h1><table>${rows}</table></body></html>`)
  })
  app.get('/__sim/state', async function simState (request) {
    const query = new URLSearchParams(rawQuery(request))
    return store.snapshot({ resources: query.get('resources') !== '0' && query.get('resources') !== 'false' })
  })

  return {
    app,
    store,
    faults,
    user,
    key,
    users,
    setLatency: (ms) => { latencyMs = ms },
    workers: pool?.stats,
    setBaseUrl: (url) => { configuredBaseUrl = url.endsWith('/') ? url : `${url}/` }
  }
}

/** Starts the simulator on loopback (a free port by default). */
export async function startResourceSpaceSimulator (opts: RsSimulatorOptions = {}): Promise<RsSimulator> {
  const sim = buildResourceSpaceApp(opts)
  const host = opts.host ?? '127.0.0.1'
  await sim.app.listen({ host, port: opts.port ?? 0 })
  const { port } = sim.app.server.address() as AddressInfo
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
  const baseUrl = `http://${urlHost}:${port}/`
  sim.setBaseUrl(baseUrl)
  return {
    apiUrl: `${baseUrl}api/`,
    baseUrl,
    user: sim.user,
    key: sim.key,
    faults: sim.faults,
    app: sim.app,
    store: sim.store,
    users: sim.users,
    state: (stateOpts) => sim.store.snapshot(stateOpts),
    addResource: (resource) => sim.store.addResource(resource),
    openEditPage: (ref) => openEditPage(sim.store, ref),
    saveEditPage: (page, edits, pageOpts) => saveEditPage(sim.store, page, edits, pageOpts),
    pressButton: async (page, button, pageOpts) => await pressButton(sim.store, page, button, pageOpts),
    seedMany: (n, seedOpts) => sim.store.seedMany(n, seedOpts),
    setLatency: sim.setLatency,
    workers: sim.workers,
    close: async () => { await sim.app.close() }
  }
}

/** The fault-injection name of a request: the RS function, `download`, or none (state page). */
function operationOf (request: FastifyRequest): string | undefined {
  const path = request.url.split('?', 1)[0] ?? ''
  if (path === '/pages/download.php') return 'download'
  if (!apiPaths.has(path)) return undefined
  const form = formOf(request)
  const params = new URLSearchParams(form.query ?? rawQuery(request))
  return params.get('function') ?? ''
}

function rawQuery (request: FastifyRequest): string {
  const url = request.raw.url ?? ''
  const at = url.indexOf('?')
  return at === -1 ? '' : url.slice(at + 1)
}

function formOf (request: FastifyRequest): Record<string, string | undefined> {
  return typeof request.body === 'object' && request.body !== null ? request.body as Record<string, string | undefined> : {}
}

function escapeHtml (value: string): string {
  return value.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}
