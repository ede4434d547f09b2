/**
 * A first push's slow starts, begun beside the CS object search instead of after it: the derivative's
 * download is opened, and CS is asked for media with the push's identification key (left by an earlier
 * push whose memory was lost). Both are reads, harmless to abandon, and with them started early the
 * upload can begin as soon as the object is matched: one round trip less on a push's critical path.
 *
 * Begun only for a push the store shows was never tried (no link for that resource, instance and size),
 * so pressing an already pushed resource opens no download, and by one action of a resource at a time
 * per RS client: an open download holds a connection while it waits, and presses of one resource wait for
 * each other's lock anyway (the first pushes, the others find it pushed). Used only if the store still
 * shows no link under the resource lock (src/push/push-derivative.ts decides what a search's answer may be
 * trusted for). What the action does not use is closed when it ends: a resource CS has no object for
 * costs RS one download opened and closed.
 */
import { abandon, chooseSize, isDerivativeProblem, openAhead } from '../push/derivative.js'
import { firstKeyBeforeMatch } from '../push/media-fields.js'
import type { StartedAhead } from '../push/push-derivative.js'
import type { ActionContext, ActionMemo, PushAhead } from './context.js'
import { imageSizes, pushedFilename, type Unmatched } from './resolve.js'

/** The resources whose push an action has begun ahead, per RS client (whose connections the downloads hold). */
const begunBy = new WeakMap<object, Set<number>>()

function begun (ctx: ActionContext): Set<number> {
  let rsids = begunBy.get(ctx.services.rs)
  if (rsids === undefined) begunBy.set(ctx.services.rs, rsids = new Set())
  return rsids
}

/** Begins the download and the media search for the size the push will choose (not in a dry run). */
export function startPushAhead (ctx: ActionContext, found: Unmatched): void {
  const { rsid } = ctx.req
  if (ctx.req.dryRun === true || begun(ctx).has(rsid)) return
  begun(ctx).add(rsid)
  const { rs, store, config } = ctx.services
  const { instance } = found
  const ahead: PushAhead = { started: Promise.resolve(undefined), state: 'begun' }
  ahead.started = imageSizes(ctx).then(async (sizes): Promise<StartedAhead | undefined> => {
    const size = chooseSize(sizes, instance.derivative.sizes, ctx.req.size)
    if (isDerivativeProblem(size)) return undefined
    if (await store.links.findCurrent(rsid, found.instanceName, size.sizeCode) !== undefined) return undefined
    // The action may have ended meanwhile (CS answered first: no such object): then nothing is begun.
    if (ahead.state === 'dropped') return undefined
    const key = firstKeyBeforeMatch(instance, {
      rsid,
      size: size.sizeCode,
      accessionNumber: found.accessionNumber,
      filename: pushedFilename(config, found.loaded.fields, size, rsid)
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
  ctx.memo.pushAhead = ahead
}

/** Takes what was begun, for a push of this size that found no link under the lock; anything else is closed. */
export async function claimPushAhead (memo: ActionMemo, sizeCode: string): Promise<StartedAhead | undefined> {
  const ahead = memo.pushAhead
  if (ahead?.state !== 'begun') return undefined
  ahead.state = 'taken'
  const started = await ahead.started
  if (started?.sizeCode === sizeCode) return started
  abandon(started?.opened)
  return undefined
}

/** Closes what was begun, as soon as it is known to be unused: the action ends early, or finds a link. */
export function dropPushAhead (memo: ActionMemo): void {
  const ahead = memo.pushAhead
  if (ahead?.state !== 'begun') return
  ahead.state = 'dropped'
  ahead.started.then(started => { abandon(started?.opened) }, () => {})
}

/** At the action's end: closes what is unused, and lets the next action of this resource begin ahead again. */
export function endPushAhead (ctx: ActionContext): void {
  if (ctx.memo.pushAhead === undefined) return
  dropPushAhead(ctx.memo)
  ctx.memo.pushAhead = undefined
  begun(ctx).delete(ctx.req.rsid)
}
