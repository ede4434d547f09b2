/**
 * The image step of push-resource (and of the nightly run and group pushes): under the resource's push
 * lock, choose the derivative, and either find the push already done — checking that CS still has its
 * media, since a person may have deleted it — or run the push (src/push) from wherever it stopped and
 * mark its link done.
 */
import { chooseSize, isDerivativeProblem } from '../push/derivative.js'
import { runPush } from '../push/push-derivative.js'
import type { ImageSize } from '../clients/resourcespace.js'
import type { LinkRow } from '../store/index.js'
import { UpstreamError } from '../errors.js'
import type { ActionContext } from './context.js'
import { claimPushAhead, dropPushAhead } from './push-ahead.js'
import { imageSizes, pushedFilename, type Resolved } from './resolve.js'

export type Transfer =
  | { kind: 'pushed', link: LinkRow, size: ImageSize, adopted: boolean, replaced?: string }
  | { kind: 'already-pushed', link: LinkRow, size: ImageSize }
  /** A dry run: what a real run would push. */
  | { kind: 'would-push', size: ImageSize }
  | { kind: 'no-derivative', problem: string }

export async function transferDerivative (ctx: ActionContext, resolved: Resolved): Promise<Transfer> {
  const { services, req } = ctx
  const { store, rs } = services
  // One push per resource at a time, in this process and across replicas (the store queues and times out).
  return await store.locks.withResourceLock(`push:${req.rsid}`, async () => {
    const size = chooseSize(await imageSizes(ctx), resolved.instance.derivative.sizes, req.size)
    if (isDerivativeProblem(size)) return { kind: 'no-derivative', problem: size.problem }
    const existing = await store.links.findCurrent(req.rsid, resolved.instanceName, size.sizeCode)
    // What was begun before the lock serves only a push that still finds no link now.
    if (existing !== undefined) dropPushAhead(ctx.memo)
    const ahead = existing === undefined ? await claimPushAhead(ctx.memo, size.sizeCode) : undefined
    let replaced: string | undefined
    if (existing?.step === 'done' && req.force !== true) {
      if (await mediaStillThere(ctx, resolved, existing)) return { kind: 'already-pushed', link: existing, size }
      replaced = existing.mediaCsid ?? undefined
      ctx.log.warn({ link: existing.id, media: existing.mediaCsid }, 'the linked media record is gone from CollectionSpace: pushing again')
      // Harvesters read it as deleted; the push below makes a new version (never edits the old link).
      if (req.dryRun !== true) await store.links.markMediaDeleted(existing.id)
    }
    if (req.dryRun === true) return { kind: 'would-push', size }
    const pushed = await runPush({
      rsid: req.rsid,
      instanceName: resolved.instanceName,
      instance: resolved.instance,
      object: resolved.object,
      accessionNumber: resolved.accessionNumber,
      filename: pushedFilename(services.config, resolved.loaded.fields, size, req.rsid),
      size,
      existing,
      newVersion: existing?.step === 'done',
      transactionId: ctx.transactionId,
      cs: resolved.cs,
      rs,
      links: store.links,
      log: ctx.log,
      ...(ahead === undefined ? {} : { ahead })
    })
    if (pushed.kind === 'no-derivative') return pushed
    // Done means done in CS, decided under the lock, so a press queued behind this one finds it done. RS is
    // told afterwards by the caller's write set; if that fails, the next press or night repeats it.
    const link = await store.links.update(pushed.link.id, { step: 'done' })
    return { kind: 'pushed', link, size, adopted: pushed.adopted, ...(replaced === undefined ? {} : { replaced }) }
  })
}

/** The done link's media record still exists in CS and is not deleted. */
async function mediaStillThere (ctx: ActionContext, resolved: Resolved, link: LinkRow): Promise<boolean> {
  if (link.mediaCsid === null) return false
  try {
    const media = await resolved.cs.getMedia(link.mediaCsid)
    return media.workflowState !== 'deleted'
  } catch (err) {
    if (err instanceof UpstreamError && err.code === 'RECORD_NOT_FOUND') return false
    throw err
  }
}
