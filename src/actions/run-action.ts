/**
 * Runs one action as one durable transaction: the row is written before anything happens upstream, every
 * upstream call is collected as a step, and the outcome is stored whatever happens. An upstream failure
 * becomes the outcome `upstream-error` (said in RS when RS itself is still reachable); input problems
 * and bugs are stored and re-thrown for the caller's error handling.
 *
 * api_webhooks callers have a deadline below RS's 60 s wait. When it passes, RS is told the action goes
 * on in the background (with the transaction URL), the caller is answered, and from then on the action
 * may no longer write RS (see ActionContext.answered); its final outcome is still stored.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { trackUpstreamCalls, type UpstreamCall } from '../clients/http.js'
import { SpacelinkError, UpstreamError } from '../errors.js'
import { absoluteUrl } from '../http/hal.js'
import type { ActionContext, ActionMemo, Services } from './action-context.js'
import { httpStatusOf, statusSentence } from './outcome.js'
import { reportToRs } from './report.js'
import { findField } from './resource-context.js'
import { underRsGate, writeFieldsNow } from './rs-writes.js'
import type { ActionRequest, ActionResult, HandlerResult, QueryType } from './types.js'
import { validateCspaceId } from './handlers/validate-cspace-id.js'
import { retrieveMetadata } from './handlers/retrieve-metadata.js'
import { pushResource } from './handlers/push-resource.js'
import { pushResourceGroup } from './handlers/push-resource-group.js'
import { status } from './handlers/status.js'
import { revert } from './handlers/revert.js'

export type Handler = (ctx: ActionContext) => Promise<HandlerResult>

const handlers: Record<QueryType, Handler> = {
  'validate-cspace-id': validateCspaceId,
  'retrieve-metadata': retrieveMetadata,
  'push-resource': pushResource,
  'push-resource-group': pushResourceGroup,
  status,
  revert
}

type Settled = { ok: true, value: HandlerResult } | { ok: false, error: unknown }

export interface RunOptions {
  memo?: ActionMemo
  handler?: Handler
  queryTypeLabel?: string
  /**
   * Answer a failure that is not an outcome (a lock timeout, a resource gone, a refused value) as an
   * `upstream-error` result instead of throwing: for callers working through a list (the nightly sync,
   * push-resource-group), where one item must never stop the others.
   */
  keepGoing?: boolean
}

export async function runAction (services: Services, req: ActionRequest, opts: RunOptions = {}): Promise<ActionResult> {
  const { store } = services
  const tx = await store.transactions.create({
    caller: req.caller,
    rsid: req.rsid,
    instance: req.instance ?? null,
    queryType: opts.queryTypeLabel ?? req.queryType,
    dryRun: req.dryRun === true,
    syncRunId: req.syncRunId ?? null
  }).catch((err: unknown) => {
    // Without memory spacelink does not act: a push it cannot record could not be made idempotent.
    throw new SpacelinkError('STORE_UNAVAILABLE', 503, 'spacelink cannot reach its database', 'the action was not started because spacelink cannot record it; try again shortly', {}, { cause: err })
  })
  const log = services.log.child({ rsid: req.rsid, queryType: req.queryType, transaction: tx.id })
  const ctx: ActionContext = { services, req, transactionId: tx.id, memo: opts.memo ?? {}, log, details: { raw: null, mapped: null }, rsWrites: [], answered: false, rsGate: Promise.resolve() }
  const handler = opts.handler ?? handlers[req.queryType]
  const started = performance.now()
  const { done, calls } = trackUpstreamCalls(async () => await settle(ctx, handler))

  if (req.deadlineMs !== undefined) {
    const early = await beforeDeadline(ctx, done, req.deadlineMs)
    if (early === undefined) {
      const background = done.then(async settled => { await record(ctx, tx.id, settled, calls, started, ' (finished in the background)') })
        .catch((err: unknown) => { log.error({ err }, 'could not record an action finished in the background') })
      services.background.add(background)
      background.finally(() => services.background.delete(background)).catch(() => {})
      return answeredInBackground(ctx, tx.id)
    }
    return await conclude(ctx, tx.id, early, calls, started, opts.keepGoing === true)
  }
  return await conclude(ctx, tx.id, await done, calls, started, opts.keepGoing === true)
}

/** Waits for the action until the deadline; past it, marks the action answered and tells RS (under the gate). */
async function beforeDeadline (ctx: ActionContext, done: Promise<Settled>, deadlineMs: number): Promise<Settled | undefined> {
  const timer = new AbortController()
  const outcome = await Promise.race([done, sleep(deadlineMs, undefined, { signal: timer.signal })])
  timer.abort()
  if (outcome !== undefined) return outcome
  let finished: Settled | undefined
  done.then(s => { finished = s }, () => {})
  await underRsGate(ctx, async () => {
    await Promise.resolve()
    if (finished !== undefined) return
    ctx.answered = true
    const statusRef = ctx.services.config.resourcespace.fields.status
    const current = findField(ctx.memo.loaded?.fields ?? [], statusRef)
    await writeFieldsNow(ctx, [{ field: String(statusRef), fieldRef: current?.ref ?? null, previous: current?.value ?? '', value: statusSentence(backgroundMessage(ctx)) }])
  })
  return finished
}

function backgroundMessage (ctx: ActionContext): string {
  const url = absoluteUrl(ctx.services.config.server.publicUrl, `/api/v1/transactions/${ctx.transactionId}`)
  return `${ctx.req.queryType === 'push-resource' ? 'push' : ctx.req.queryType} continues in the background: ${url}`
}

function answeredInBackground (ctx: ActionContext, transactionId: string): ActionResult {
  return {
    transactionId,
    rsid: ctx.req.rsid,
    queryType: ctx.req.queryType,
    instance: ctx.req.instance ?? null,
    outcome: 'pushed',
    httpStatus: 202,
    message: backgroundMessage(ctx),
    background: true,
    wroteRs: true
  }
}

/** Stores the outcome and turns it into the caller's answer (or re-throws what is not an outcome). */
async function conclude (ctx: ActionContext, transactionId: string, settled: Settled, calls: UpstreamCall[], started: number, keepGoing: boolean): Promise<ActionResult> {
  await record(ctx, transactionId, settled, calls, started, '')
  if (!settled.ok) {
    if (!keepGoing) throw settled.error
    const err = settled.error
    return {
      transactionId,
      rsid: ctx.req.rsid,
      queryType: ctx.req.queryType,
      instance: ctx.req.instance ?? null,
      outcome: 'upstream-error',
      httpStatus: err instanceof SpacelinkError ? err.status : 500,
      message: `upstream-error: ${err instanceof Error ? err.message : String(err)}`,
      wroteRs: ctx.rsWrites.some(w => w.writtenAt !== null)
    }
  }
  const r = settled.value
  const { written, ...rest } = r
  return { ...rest, transactionId, rsid: ctx.req.rsid, queryType: ctx.req.queryType, httpStatus: r.httpStatus ?? httpStatusOf[r.outcome], wroteRs: ctx.rsWrites.some(w => w.writtenAt !== null), ...(written === undefined || written.length === 0 ? {} : { rsWrites: written }) }
}

async function record (ctx: ActionContext, transactionId: string, settled: Settled, calls: UpstreamCall[], started: number, suffix: string): Promise<void> {
  const durationMs = Math.round(performance.now() - started)
  const base = { durationMs, steps: calls, raw: ctx.details.raw, mapped: ctx.details.mapped }
  if (!settled.ok) {
    const err = settled.error
    await ctx.services.store.transactions.finish(transactionId, { ...base, outcome: null, httpStatus: err instanceof SpacelinkError ? err.status : 500, message: `${err instanceof Error ? err.message : String(err)}${suffix}` })
    ctx.log.warn({ err }, 'action failed')
    announce(ctx, transactionId, null, ctx.req.instance ?? null, durationMs, calls.length)
    return
  }
  const r = settled.value
  await ctx.services.store.transactions.finish(transactionId, { ...base, outcome: r.outcome, httpStatus: r.httpStatus ?? httpStatusOf[r.outcome], message: `${r.message}${suffix}`, ...(r.instance === null ? {} : { instance: r.instance }) })
  ctx.log.info({ outcome: r.outcome, durationMs }, r.message)
  announce(ctx, transactionId, r.outcome, r.instance ?? ctx.req.instance ?? null, durationMs, calls.length)
}

function announce (ctx: ActionContext, transactionId: string, outcome: string | null, instance: string | null, durationMs: number, upstreamCalls: number): void {
  try {
    ctx.services.events.emit('action-finished', { queryType: ctx.req.queryType, caller: ctx.req.caller, instance, outcome, durationMs, upstreamCalls, transactionId })
  } catch (err) {
    ctx.log.warn({ err }, 'an action-finished listener failed')
  }
}

/** Runs the handler; an upstream failure becomes the outcome `upstream-error`, reported in RS when possible. */
async function settle (ctx: ActionContext, handler: Handler): Promise<Settled> {
  try {
    return { ok: true, value: await handler(ctx) }
  } catch (err) {
    if (!(err instanceof UpstreamError) || err.code === 'RESOURCE_NOT_FOUND') return { ok: false, error: err }
    const message = `upstream-error: ${err.message}`
    let reported = false
    if (err.system === 'collectionspace' || ctx.memo.loaded !== undefined) {
      try {
        reported = (await reportToRs(ctx, { message, ...(ctx.req.caller === 'sync' ? { synced: 'false' as const } : {}) })).length > 0 || ctx.answered
      } catch (reportErr) {
        ctx.log.warn({ err: reportErr }, 'could not write the upstream error into RS')
      }
    }
    // RS itself failing (or unreachable while reporting) means the person cannot be told through RS.
    if (!reported && ctx.req.caller === 'api_webhooks') return { ok: false, error: err }
    return { ok: true, value: { instance: ctx.req.instance ?? null, outcome: 'upstream-error', httpStatus: err.status, message } }
  }
}
