/**
 * push-resource: validate, copy the mapped metadata into RS, push the chosen derivative to CS exactly once
 * (src/push), then tell RS in one write set: the metadata, the CS record URL, the outcome sentence, and
 * `synced = true` last — so `synced` means what the nightly run means by it: metadata in RS and media in
 * CS. The nightly run uses this very handler for every resource it syncs; a press and a night differ only
 * in that the night marks a failed resource `synced = false`. A second push of the same resource and size
 * answers `already-pushed` (after checking CS still has the media); `force` makes a new version.
 */
import type { ActionContext } from '../context.js'
import { reportEarly } from '../early.js'
import { mappedMetadata, type MetadataChanges } from '../metadata.js'
import { transferDerivative, type Transfer } from '../push.js'
import { imageSizes, isEarly, resolveObject, type Resolved } from '../resolve.js'
import { dropPushAhead, endPushAhead, startPushAhead } from '../push-ahead.js'
import type { HandlerResult } from '../types.js'
import { settleAll } from '../../util/concurrency.js'

export async function pushResource (ctx: ActionContext): Promise<HandlerResult> {
  // What a push needs that depends only on the resource, or on the resource and its instance, is asked
  // before the answers it does not need: the image sizes beside the resource's fields, a first push's
  // download and media search beside the CS object search (push-ahead.ts). A resource that turns out to
  // have no instance, accession number or CS object has cost RS that one sizes call more (and the download
  // opened and closed, for a number CS does not know).
  imageSizes(ctx)
  try {
    const resolved = await resolveObject(ctx, { alongsideSearch: found => { startPushAhead(ctx, found) } })
    if (isEarly(resolved)) {
      dropPushAhead(ctx.memo)
      return await reportEarly(ctx, resolved)
    }
    return await pushToObject(ctx, resolved)
  } finally {
    endPushAhead(ctx)
  }
}

/** Metadata and image of an already resolved resource (a group member is resolved to the group's object). */
export async function pushToObject (
  ctx: ActionContext,
  resolved: Resolved,
  sayInstead?: (own: HandlerResult) => Pick<HandlerResult,
  'outcome' | 'detail'>
): Promise<HandlerResult> {
  // The metadata (the CS record read and mapped) and the image steps need nothing from each other, so
  // both run at once; the write set waits for both. Either failing fails the action as before (the
  // metadata's error first): an image pushed meanwhile is recorded done, and the next press or night
  // finds it already pushed and writes the set.
  const [metadata, transfer] = await settleAll([mappedMetadata(ctx, resolved), transferDerivative(ctx, resolved)])
  const own = describeTransfer(ctx, resolved, metadata, transfer)
  const result = sayInstead === undefined ? own : { ...own, ...sayInstead(own) }
  const succeeded = transfer.kind === 'pushed' || transfer.kind === 'already-pushed'
  await ctx.writer.commit({
    instance: resolved.instanceName,
    outcome: result.outcome,
    detail: result.detail,
    changes: metadata.changes,
    refused: metadata.refused,
    cspaceUrl: resolved.object.url,
    ...(succeeded ? { synced: 'true' as const } : ctx.req.caller === 'sync' ? { synced: 'false' as const } : {})
  })
  return result
}

function describeTransfer (ctx: ActionContext, resolved: Resolved, metadata: MetadataChanges, transfer: Transfer): HandlerResult {
  const base = {
    instance: resolved.instanceName,
    accessionNumber: resolved.accessionNumber,
    object: resolved.object,
    changes: metadata.changes,
    refused: metadata.refused
  }
  const object = `CollectionSpace object ${resolved.object.objectNumber}`
  switch (transfer.kind) {
    case 'no-derivative':
      return { ...base, outcome: 'no-derivative', detail: `${transfer.problem}; nothing was sent to CollectionSpace` }
    case 'would-push':
      // Nothing was pushed: the outcome is the validation's, the sentence says what a real run would do.
      return { ...base, outcome: 'valid', detail: `dry run: would push '${transfer.size.sizeCode}' to ${object}`, size: transfer.size.sizeCode }
    case 'already-pushed':
      return {
        ...base,
        outcome: 'already-pushed',
        detail: `'${transfer.size.sizeCode}' is already CollectionSpace media ${transfer.link.mediaCsid ?? '?'} of ${object}`,
        size: transfer.size.sizeCode,
        linkId: transfer.link.id,
        ...mediaOf(transfer.link.mediaCsid)
      }
    case 'pushed': {
      const notes = [
        ...(transfer.adopted ? ['adopting the media an earlier push had created'] : []),
        ...(transfer.replaced === undefined ? [] : [`the earlier media ${transfer.replaced} was deleted in CollectionSpace`])
      ]
      if (ctx.req.force === true && transfer.link.version > 1) notes.push(`version ${transfer.link.version}`)
      return {
        ...base,
        outcome: 'pushed',
        detail: `'${transfer.size.sizeCode}' to ${object} (media ${transfer.link.mediaCsid ?? '?'})${notes.length === 0 ? '' : `; ${notes.join('; ')}`}`,
        size: transfer.size.sizeCode,
        linkId: transfer.link.id,
        ...mediaOf(transfer.link.mediaCsid)
      }
    }
  }
}

function mediaOf (csid: string | null): { mediaCsid?: string } {
  return csid === null ? {} : { mediaCsid: csid }
}
