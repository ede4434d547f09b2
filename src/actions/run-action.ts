/**
 * Runs one action as one durable transaction: the row is written before anything happens upstream, every
 * upstream call is collected as a step, and the outcome is stored whatever happens. An upstream failure
 * becomes the outcome `upstream-error` (said in RS when RS itself is still reachable); input problems
 * and bugs are stored and re-thrown for the caller's error handling.
 */
import { collectUpstreamCalls } from '../clients/http.js'
import { SpacelinkError, UpstreamError } from '../errors.js'
import type { ActionContext, ActionMemo, Services } from './action-context.js'
import { httpStatusOf } from './outcome.js'
import { reportToRs } from './report.js'
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

export async function runAction (services: Services, req: ActionRequest, opts: { memo?: ActionMemo, handler?: Handler, queryTypeLabel?: string } = {}): Promise<ActionResult> {
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
  const ctx: ActionContext = { services, req, transactionId: tx.id, memo: opts.memo ?? {}, log, details: { raw: null, mapped: null }, rsWrites: [], answered: false }
  const handler = opts.handler ?? handlers[req.queryType]
  const started = performance.now()
  const { result: settled, calls } = await collectUpstreamCalls(async () => await settle(ctx, handler))
  const durationMs = Math.round(performance.now() - started)
  const finish = async (r: { outcome: string | null, httpStatus: number, message: string }): Promise<void> => {
    await store.transactions.finish(tx.id, { ...r, durationMs, steps: calls, raw: ctx.details.raw, mapped: ctx.details.mapped, instance: settled.ok ? settled.value.instance : null })
  }
  if (!settled.ok) {
    const err = settled.error
    const status = err instanceof SpacelinkError ? err.status : 500
    await finish({ outcome: null, httpStatus: status, message: err instanceof Error ? err.message : String(err) })
    log.warn({ err }, 'action failed')
    throw err
  }
  const r = settled.value
  const httpStatus = r.httpStatus ?? httpStatusOf[r.outcome]
  await finish({ outcome: r.outcome, httpStatus, message: r.message })
  log.info({ outcome: r.outcome, durationMs }, r.message)
  const { written, ...rest } = r
  return { ...rest, transactionId: tx.id, rsid: req.rsid, queryType: req.queryType, httpStatus, wroteRs: ctx.rsWrites.some(w => w.writtenAt !== null) }
}

type Settled = { ok: true, value: HandlerResult } | { ok: false, error: unknown }

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
        await reportToRs(ctx, { message, ...(ctx.req.caller === 'sync' ? { synced: 'false' as const } : {}) })
        reported = true
      } catch (reportErr) {
        ctx.log.warn({ err: reportErr }, 'could not write the upstream error into RS')
      }
    }
    // RS itself failing (or unreachable while reporting) means the person cannot be told through RS.
    if (!reported && ctx.req.caller === 'api_webhooks') return { ok: false, error: err }
    return { ok: true, value: { instance: ctx.req.instance ?? null, outcome: 'upstream-error', httpStatus: err.status, message } }
  }
}
