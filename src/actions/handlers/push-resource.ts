/**
 * push-resource: validate, choose the derivative, and push it to CS exactly once (see
 * src/push/push-derivative.ts), then tell RS: synced = true, the outcome sentence and the CS record URL.
 * A second push of the same resource and size answers `already-pushed`; `force` makes a new version.
 *
 * For the api_webhooks caller the push must finish before the answer. If it would outlast the deadline
 * (enforced for every action in run-action.ts), RS is told the push goes on in the background, the answer
 * goes out, and the final RS writes are left to the next call or nightly run, which finds the link
 * finished in CS and only marks the resource synced.
 */
import type { ActionContext } from '../action-context.js'
import { isEarly, resolveObject, type Resolved } from '../resolve.js'
import { reportEarly } from './report-early.js'
import { reportToRs } from '../report.js'
import { chooseSize, isProblem } from '../../push/derivative.js'
import { pushToCollectionSpace } from '../../push/push-derivative.js'
import type { DesiredValue } from '../rs-writes.js'
import type { HandlerResult } from '../types.js'

export async function pushResource (ctx: ActionContext): Promise<HandlerResult> {
  const resolved = await resolveObject(ctx)
  if (isEarly(resolved)) return await reportEarly(ctx, resolved)
  return await pushResolved(ctx, resolved)
}

/** The push for an already resolved resource (also used by push-resource-group and the nightly sync). */
export async function pushResolved (ctx: ActionContext, resolved: Resolved, extraValues: DesiredValue[] = []): Promise<HandlerResult> {
  const { services, req } = ctx
  // One push per resource at a time, in this process and across replicas (the store queues and times out).
  return await services.store.locks.withResourceLock(`push:${req.rsid}`, async () => {
    const sizes = await services.rs.getResourceAllImageSizes(req.rsid)
    const size = chooseSize(sizes, resolved.instance.derivative.sizes, req.size)
    const base = { instance: resolved.instanceName, accessionNumber: resolved.accessionNumber, object: resolved.object }
    if (isProblem(size)) return await noDerivative(ctx, resolved, size.problem, extraValues)
    const existing = await services.store.links.findCurrent(req.rsid, resolved.instanceName, size.sizeCode)
    if (existing?.step === 'done' && req.force !== true) {
      const message = `already-pushed: '${size.sizeCode}' is already CollectionSpace media ${existing.mediaCsid ?? '?'} of object ${resolved.object.objectNumber}`
      const written = await reportToRs(ctx, { message, cspaceUrl: resolved.object.url, synced: 'true', values: extraValues })
      return { ...base, outcome: 'already-pushed', message, size: size.sizeCode, linkId: existing.id, ...(existing.mediaCsid === null ? {} : { mediaCsid: existing.mediaCsid }), written }
    }
    if (req.dryRun === true) {
      // Nothing was pushed: the outcome is the validation's, the message says what a real run would do.
      return { ...base, outcome: 'valid', message: `dry run: would push '${size.sizeCode}' to CollectionSpace object ${resolved.object.objectNumber}`, size: size.sizeCode }
    }
    const pushed = await pushToCollectionSpace(ctx, resolved, size, existing, req.force === true)
    if (pushed.kind === 'no-derivative') return await noDerivative(ctx, resolved, pushed.problem, extraValues)
    const link = pushed.link
    const message = `pushed '${size.sizeCode}' to CollectionSpace object ${resolved.object.objectNumber} (media ${link.mediaCsid ?? '?'})${pushed.adopted ? ', adopting the media an earlier push had created' : ''}`
    const written = await reportToRs(ctx, { message, cspaceUrl: resolved.object.url, synced: 'true', values: extraValues })
    await services.store.links.update(link.id, { step: 'done' })
    return { ...base, outcome: 'pushed', message, size: size.sizeCode, linkId: link.id, ...(link.mediaCsid === null ? {} : { mediaCsid: link.mediaCsid }), written }
  })
}

async function noDerivative (ctx: ActionContext, resolved: Resolved, problem: string, extraValues: DesiredValue[]): Promise<HandlerResult> {
  const message = `no-derivative: ${problem}; nothing was sent to CollectionSpace`
  const written = await reportToRs(ctx, { message, cspaceUrl: resolved.object.url, values: extraValues, ...(ctx.req.caller === 'sync' ? { synced: 'false' as const } : {}) })
  return { instance: resolved.instanceName, outcome: 'no-derivative', message, accessionNumber: resolved.accessionNumber, object: resolved.object, written }
}
