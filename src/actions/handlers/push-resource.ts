/**
 * push-resource: validate, choose the derivative, and push it to CS exactly once (see
 * src/push/push-derivative.ts), then tell RS: synced = true, the outcome sentence and the CS record URL.
 * A second push of the same resource and size answers `already-pushed`; `force` makes a new version.
 *
 * For the api_webhooks caller the push must finish before the answer (RS re-reads the resource after it,
 * and a later write makes the person's next save fail). If it would outlast the deadline, RS is told the
 * push goes on in the background, the answer goes out, and the final RS writes are left to the next call
 * or nightly run, which finds the link finished in CS and only marks the resource synced.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { currentUpstreamCalls } from '../../clients/http.js'
import type { ActionContext } from '../action-context.js'
import { isEarly, resolveObject, type Resolved } from '../resolve.js'
import { reportEarly } from './report-early.js'
import { reportToRs } from '../report.js'
import { chooseSize, isProblem } from '../../push/derivative.js'
import { pushToCollectionSpace } from '../../push/push-derivative.js'
import type { DesiredValue } from '../rs-writes.js'
import { absoluteUrl } from '../../http/hal.js'
import { httpStatusOf } from '../outcome.js'
import type { HandlerResult } from '../types.js'

export async function pushResource (ctx: ActionContext): Promise<HandlerResult> {
  const resolved = await resolveObject(ctx)
  if (isEarly(resolved)) return await reportEarly(ctx, resolved)
  return await withDeadline(ctx, pushResolved(ctx, resolved))
}

/** The push for an already resolved resource (also used by push-resource-group and the nightly sync). */
export async function pushResolved (ctx: ActionContext, resolved: Resolved, extraValues: DesiredValue[] = []): Promise<HandlerResult> {
  const { services, req } = ctx
  return await services.pushLock.run(String(req.rsid), async () => await services.store.locks.withResourceLock(`push:${req.rsid}`, async () => {
    const sizes = await services.rs.getResourceAllImageSizes(req.rsid)
    const size = chooseSize(sizes, resolved.instance.derivative.sizes, req.size)
    const base = { instance: resolved.instanceName, accessionNumber: resolved.accessionNumber, object: resolved.object }
    if (isProblem(size)) return await noDerivative(ctx, resolved, size.problem, extraValues)
    const existing = await services.store.links.findCurrent(req.rsid, resolved.instanceName, size.sizeCode)
    if (existing?.step === 'done' && req.force !== true) {
      const message = `already-pushed: '${size.sizeCode}' is already CollectionSpace media ${existing.mediaCsid ?? '?'} of object ${resolved.object.objectNumber}`
      // A press that waited for the lock past its deadline has been answered: RS must not be written any more.
      const written = ctx.answered ? [] : await reportToRs(ctx, { message, cspaceUrl: resolved.object.url, synced: 'true', values: extraValues })
      return { ...base, outcome: 'already-pushed', message, size: size.sizeCode, linkId: existing.id, ...(existing.mediaCsid === null ? {} : { mediaCsid: existing.mediaCsid }), written }
    }
    if (req.dryRun === true) {
      return { ...base, outcome: 'pushed', httpStatus: 200, message: `dry run: would push '${size.sizeCode}' to CollectionSpace object ${resolved.object.objectNumber}`, size: size.sizeCode }
    }
    const pushed = await pushToCollectionSpace(ctx, resolved, size, existing, req.force === true)
    if (pushed.kind === 'no-derivative') return await noDerivative(ctx, resolved, pushed.problem, extraValues)
    const link = pushed.link
    const message = `pushed '${size.sizeCode}' to CollectionSpace object ${resolved.object.objectNumber} (media ${link.mediaCsid ?? '?'})${pushed.adopted ? ', adopting the media an earlier push had created' : ''}`
    if (ctx.answered) return { ...base, outcome: 'pushed', message, size: size.sizeCode, linkId: link.id }
    const written = await reportToRs(ctx, { message, cspaceUrl: resolved.object.url, synced: 'true', values: extraValues })
    await services.store.links.update(link.id, { step: 'done' })
    return { ...base, outcome: 'pushed', message, size: size.sizeCode, linkId: link.id, ...(link.mediaCsid === null ? {} : { mediaCsid: link.mediaCsid }), written }
  }))
}

async function noDerivative (ctx: ActionContext, resolved: Resolved, problem: string, extraValues: DesiredValue[]): Promise<HandlerResult> {
  const message = `no-derivative: ${problem}; nothing was sent to CollectionSpace`
  const written = ctx.answered ? [] : await reportToRs(ctx, { message, cspaceUrl: resolved.object.url, values: extraValues, ...(ctx.req.caller === 'sync' ? { synced: 'false' as const } : {}) })
  return { instance: resolved.instanceName, outcome: 'no-derivative', message, accessionNumber: resolved.accessionNumber, object: resolved.object, written }
}

/**
 * Waits for the push up to the deadline (api_webhooks callers only). Past it: RS is told the push goes on,
 * the caller is answered, and the push finishes without writing RS again.
 */
async function withDeadline (ctx: ActionContext, push: Promise<HandlerResult>): Promise<HandlerResult> {
  const deadlineMs = ctx.req.deadlineMs
  if (deadlineMs === undefined) return await push
  const timer = new AbortController()
  const late = sleep(deadlineMs, 'late' as const, { signal: timer.signal }).catch(() => 'cancelled' as const)
  const first = await Promise.race([push, late])
  timer.abort()
  if (first !== 'late' && first !== 'cancelled') return first
  const url = absoluteUrl(ctx.services.config.server.publicUrl, `/api/v1/transactions/${ctx.transactionId}`)
  const message = `push continues in the background: ${url}`
  const written = await reportToRs(ctx, { message })
  ctx.answered = true
  const { store, log } = ctx.services
  push.then(async r => {
    await store.transactions.finish(ctx.transactionId, { outcome: r.outcome, httpStatus: r.httpStatus ?? httpStatusOf[r.outcome], message: `${r.message} (finished in the background)`, durationMs: null, steps: currentUpstreamCalls() })
  }, async (err: unknown) => {
    log.error({ err }, 'background push failed')
    await store.transactions.finish(ctx.transactionId, { outcome: 'upstream-error', httpStatus: 502, message: `background push failed: ${(err as Error).message}`, durationMs: null, steps: currentUpstreamCalls() })
  }).catch((err: unknown) => log.error({ err }, 'could not record the background push'))
  return { instance: ctx.req.instance ?? null, outcome: 'pushed', httpStatus: 202, message, background: true, written }
}
