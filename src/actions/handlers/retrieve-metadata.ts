/**
 * retrieve-metadata: validate, then copy the mapped CS values into RS. Only differing values RS keeps are
 * written (a refused one is named in the status sentence, never counted as a change) and each previous
 * value is recorded so `revert` can undo it; `dry_run` returns the diff and writes nothing anywhere.
 */
import type { ActionContext } from '../context.js'
import { reportEarly } from '../early.js'
import { fieldNames, mappedMetadata } from '../metadata.js'
import { isEarly, resolveObject } from '../resolve.js'
import type { HandlerResult } from '../types.js'

export async function retrieveMetadata (ctx: ActionContext): Promise<HandlerResult> {
  const resolved = await resolveObject(ctx)
  if (isEarly(resolved)) return await reportEarly(ctx, resolved)
  const { changes, refused } = await mappedMetadata(ctx, resolved)
  const from = `CollectionSpace object ${resolved.accessionNumber}`
  const outcome = changes.length === 0 ? 'unchanged' : 'updated'
  const detail = (changes.length === 0 ? `RS already holds the values of ${from}` : `${changes.length} field(s) (${fieldNames(changes)}) from ${from}`) +
    (ctx.req.dryRun === true ? ' (dry run: nothing written)' : '')
  await ctx.writer.commit({ instance: resolved.instanceName, outcome, detail, changes, refused, cspaceUrl: resolved.object.url })
  return { instance: resolved.instanceName, outcome, detail, accessionNumber: resolved.accessionNumber, object: resolved.object, changes, refused }
}
