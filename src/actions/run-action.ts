/**
 * Runs one action as one durable transaction: the row is written before anything happens upstream, every
 * upstream call is collected as a step, and the outcome is stored whatever happens. An upstream failure
 * becomes the outcome `upstream-error` (said in RS when RS itself is still reachable); input problems
 * and bugs are stored and re-thrown for the caller's error handling.
 *
 * A request with a deadline (the api_webhooks caller: RS stops waiting after 60 s) is answered when the
 * deadline passes even if the work goes on: RS is told the action continues in the background (with a
 * reference to the transaction), and from then on the action writes nothing into RS — its final write set is recorded
 * as unfinished and the next nightly run completes it. Its final outcome is still stored.
 */
import { trackUpstreamCalls } from '../clients/http.js'
import { SpacelinkError, UpstreamError } from '../errors.js'
import type { UpstreamCall } from '../vocabulary.js'
import type { ActionContext, ActionMemo, Handler, Services } from './context.js'
import { describe, httpStatusOf } from './outcome.js'
import { RsWriter } from './rs-writer.js'
import type { ActionRequest, ActionResult, HandlerResult } from './types.js'

type Settled = { ok: true, value: HandlerResult } | { ok: false, error: unknown }

export interface RunOptions {
  memo?: ActionMemo
  /**
   * Answer a failure that is not an outcome (a lock timeout, a resource gone, a refused value) as an
   * `upstream-error` result instead of throwing: for callers working through a list (the nightly run,
   * push-resource-group), where one item must never stop the others.
   */
  keepGoing?: boolean
}

export async function runAction (services: Services, handler: Handler, req: ActionRequest, opts: RunOptions = {}): Promise<ActionResult> {
  const { store, config } = services
  const tx = await store.transactions.create({
    caller: req.caller,
    rsid: req.rsid,
    instance: req.instance ?? null,
    queryType: req.queryType,
    dryRun: req.dryRun === true,
    syncRunId: req.syncRunId ?? null
  }).catch((err: unknown) => {
    // Without memory spacelink does not act: a push it cannot record could not be made idempotent.
    throw new SpacelinkError(
      'STORE_UNAVAILABLE',
      503,
      'spacelink cannot reach its database',
      'the action was not started because spacelink cannot record it; try again shortly',
      {},
      { cause: err }
    )
  })
  const log = services.log.child({
    rsid: req.rsid,
    queryType: req.queryType,
    caller: req.caller,
    transaction: tx.id,
    ...(req.requestId === undefined ? {} : { reqId: req.requestId })
  })
  const memo = opts.memo ?? {}
  const writer = new RsWriter({
    rsid: req.rsid,
    transactionId: tx.id,
    dryRun: req.dryRun === true,
    owned: config.resourcespace.fields,
    loaded: () => memo.loaded?.fields,
    rs: services.rs,
    transactions: store.transactions,
    unfinished: store.unfinishedWrites,
    log,
    now: services.now
  })
  const ctx: ActionContext = {
    services,
    req,
    transactionId: tx.id,
    memo,
    log,
    details: { raw: null, mapped: null },
    writer,
    runOther: async (other, otherHandler) => await runAction(services, otherHandler, other, { keepGoing: true })
  }
  const started = performance.now()
  const { done, calls } = trackUpstreamCalls(async () => await settle(ctx, handler))
  const settled = req.deadlineMs === undefined ? await done : await beforeDeadline(ctx, done, req.deadlineMs)
  if (settled === undefined) {
    const background = done.then(async late => { await record(ctx, late, calls, started, ' (finished in the background)') })
      .catch((err: unknown) => { log.error({ err }, 'could not record an action finished in the background') })
    services.background.add(background)
    background.finally(() => services.background.delete(background)).catch(() => {})
    return answeredInBackground(ctx)
  }
  await record(ctx, settled, calls, started, '')
  return conclude(ctx, settled, opts.keepGoing === true)
}

/**
 * Waits for the action until the deadline. Past it, the writer says in RS that the action continues and
 * closes RS to it (`undefined`: answer now) — unless the action's final writes were already under way,
 * in which case its real outcome is awaited and answered.
 */
async function beforeDeadline (ctx: ActionContext, done: Promise<Settled>, deadlineMs: number): Promise<Settled | undefined> {
  const timer = new AbortController()
  const first = await Promise.race([
    done.then(settled => ({ settled })),
    ctx.services.sleep(deadlineMs, timer.signal).then(() => undefined, () => undefined)
  ])
  timer.abort()
  if (first !== undefined) return first.settled
  return await ctx.writer.answerEarly(backgroundDetail(ctx)) ? undefined : await done
}

/**
 * Names the transaction instead of linking it: the person reading RS has no admin key to open it, IT finds
 * it by this reference. Its result reaches RS at the next press or nightly run, since RS is closed now.
 */
function backgroundDetail (ctx: ActionContext): string {
  const action = ctx.req.queryType === 'push-resource' ? 'the push' : ctx.req.queryType
  return `${action} continues in the background; its result shows here after the next press or nightly run (reference ${ctx.transactionId})`
}

function answeredInBackground (ctx: ActionContext): ActionResult {
  return {
    transactionId: ctx.transactionId,
    rsid: ctx.req.rsid,
    queryType: ctx.req.queryType,
    instance: ctx.memo.instanceName ?? ctx.req.instance ?? null,
    outcome: 'in-progress',
    httpStatus: httpStatusOf['in-progress'],
    message: describe('in-progress', backgroundDetail(ctx)),
    background: true,
    wroteRs: ctx.writer.written.length > 0
  }
}

/** Turns the stored outcome into the caller's answer (or re-throws what is not an outcome). */
function conclude (ctx: ActionContext, settled: Settled, keepGoing: boolean): ActionResult {
  const identity = { transactionId: ctx.transactionId, rsid: ctx.req.rsid, queryType: ctx.req.queryType, wroteRs: ctx.writer.written.length > 0 }
  if (!settled.ok) {
    if (!keepGoing) throw settled.error
    const err = settled.error
    return {
      ...identity,
      instance: ctx.memo.instanceName ?? ctx.req.instance ?? null,
      outcome: 'upstream-error',
      httpStatus: err instanceof SpacelinkError ? err.status : 500,
      message: describe('upstream-error', err instanceof Error ? err.message : String(err))
    }
  }
  const { detail, ...result } = settled.value
  const written = ctx.writer.written
  return {
    ...result,
    ...identity,
    httpStatus: result.httpStatus ?? httpStatusOf[result.outcome],
    message: describe(result.outcome, detail, result.refused),
    ...(written.length === 0 ? {} : { rsWrites: written })
  }
}

async function record (ctx: ActionContext, settled: Settled, calls: UpstreamCall[], started: number, suffix: string): Promise<void> {
  const durationMs = Math.round(performance.now() - started)
  // The number the action matched on, kept so the status page can name it beside a failure.
  const accessionNumber = (settled.ok ? settled.value.accessionNumber : undefined) ?? ctx.memo.match?.accessionNumber ?? null
  const base = { durationMs, steps: calls, raw: ctx.details.raw, mapped: ctx.details.mapped, accessionNumber }
  if (!settled.ok) {
    const err = settled.error
    await ctx.services.store.transactions.finish(
      ctx.transactionId,
      {
        ...base,
        outcome: null,
        httpStatus: err instanceof SpacelinkError ? err.status : 500,
        message: `${err instanceof Error ? err.message : String(err)}${suffix}`
      }
    )
    ctx.log.warn({ err, durationMs, upstreamCalls: calls.length }, 'action failed')
    announce(ctx, null, ctx.memo.instanceName ?? ctx.req.instance ?? null, durationMs, calls.length)
    return
  }
  const r = settled.value
  const message = describe(r.outcome, r.detail, r.refused)
  await ctx.services.store.transactions.finish(
    ctx.transactionId,
    {
      ...base,
      outcome: r.outcome,
      httpStatus: r.httpStatus ?? httpStatusOf[r.outcome],
      message: `${message}${suffix}`,
      ...(r.instance === null ? {} : { instance: r.instance })
    }
  )
  ctx.log.info({ outcome: r.outcome, instance: r.instance, durationMs, upstreamCalls: calls.length }, message)
  announce(ctx, r.outcome, r.instance ?? ctx.req.instance ?? null, durationMs, calls.length)
}

/** Tells listeners (metrics) the action ended, after its outcome is stored; their trouble never changes it. */
function announce (ctx: ActionContext, outcome: string | null, instance: string | null, durationMs: number, upstreamCalls: number): void {
  try {
    ctx.services.events.emit(
      'action-finished',
      { queryType: ctx.req.queryType, caller: ctx.req.caller, instance, outcome, durationMs, upstreamCalls, transactionId: ctx.transactionId }
    )
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
    const instance = ctx.memo.instanceName ?? ctx.req.instance ?? null
    let reported = false
    if (err.system === 'collectionspace' || ctx.memo.loaded !== undefined) {
      try {
        const written = await ctx.writer.commit({
          instance,
          outcome: 'upstream-error',
          detail: err.message,
          ...(ctx.req.caller === 'sync' ? { synced: 'false' as const } : {})
        })
        reported = written.length > 0 || ctx.writer.answered
      } catch (reportErr) {
        ctx.log.warn({ err: reportErr }, 'could not write the upstream error into RS')
      }
    }
    // RS itself failing (or unreachable while reporting) means the person cannot be told through RS.
    if (!reported && ctx.req.caller === 'api_webhooks') return { ok: false, error: err }
    return { ok: true, value: { instance, outcome: 'upstream-error', httpStatus: err.status, detail: err.message } }
  }
}
