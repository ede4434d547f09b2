/**
 * A first push's slow starts, begun beside the CS object search instead of after it: the derivative's
 * download is opened, and CS is asked for media with the push's identification key (left by an earlier
 * push whose memory was lost). Both are reads, harmless to abandon, and with them started early the
 * upload can begin as soon as the object is matched: one round trip less on a push's critical path.
 *
 * Begun only for a push the store shows was never tried (no link for that resource, instance and size),
 * so pressing an already pushed resource opens no download; used only if the store still shows no link
 * under the resource lock (src/push/push-derivative.ts decides what a search's answer may be trusted
 * for). What the action does not use is closed when it ends: a resource CS has no object for costs RS
 * one download opened and closed.
 */
import { blobName } from '../push/blob-name.js'
import { abandon, chooseSize, isDerivativeProblem, openAhead } from '../push/derivative.js'
import { firstKeyBeforeMatch } from '../push/media-fields.js'
import type { StartedAhead } from '../push/push-derivative.js'
import type { ActionContext, ActionMemo } from './context.js'
import { fieldValue, imageSizes, type Unmatched } from './resolve.js'

/** Begins the download and the media search for the size the push will choose (not in a dry run). */
export function startPushAhead (ctx: ActionContext, found: Unmatched): void {
  if (ctx.req.dryRun === true) return
  const { rs, store, config } = ctx.services
  const { rsid } = ctx.req
  const { instance } = found
  ctx.memo.pushAhead = imageSizes(ctx).then(async (sizes): Promise<StartedAhead | undefined> => {
    const size = chooseSize(sizes, instance.derivative.sizes, ctx.req.size)
    if (isDerivativeProblem(size)) return undefined
    if (await store.links.findCurrent(rsid, found.instanceName, size.sizeCode) !== undefined) return undefined
    const key = firstKeyBeforeMatch(instance, {
      rsid,
      size: size.sizeCode,
      accessionNumber: found.accessionNumber,
      filename: blobName(fieldValue(found.loaded.fields, config.resourcespace.fields.originalFilename), size.extension, rsid)
    })
    const orphans = key === undefined ? undefined : found.cs.findMedia({ identificationNumber: key })
    // Whoever awaits it sees its failure; nobody awaiting it is no unhandled rejection.
    orphans?.catch(() => {})
    return {
      sizeCode: size.sizeCode,
      ...(instance.derivative.transfer === 'blob-uri' ? {} : { opened: openAhead(rs, size) }),
      ...(orphans === undefined ? {} : { orphans })
    }
  }).catch(() => undefined)
}

/** Takes what was begun for this size (for a push that found no link under the lock); anything else is closed. */
export async function claimPushAhead (memo: ActionMemo, sizeCode: string): Promise<StartedAhead | undefined> {
  const started = await memo.pushAhead
  memo.pushAhead = undefined
  if (started?.sizeCode === sizeCode) return started
  abandon(started?.opened)
  return undefined
}

/** Closes what was begun and not claimed (the action ended early, or the resource was pushed before). */
export function abandonPushAhead (memo: ActionMemo): void {
  const pending = memo.pushAhead
  memo.pushAhead = undefined
  pending?.then(started => { abandon(started?.opened) }, () => {})
}
