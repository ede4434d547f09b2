/**
 * validate-cspace-id: is there exactly one live CS object for this resource's accession number?
 * Writes the outcome sentence and, when valid, the CS record URL into RS.
 */
import type { ActionContext } from '../context.js'
import { reportEarly } from '../early.js'
import { isEarly, resolveObject } from '../resolve.js'
import type { HandlerResult } from '../types.js'

export async function validateCspaceId (ctx: ActionContext): Promise<HandlerResult> {
  const resolved = await resolveObject(ctx)
  if (isEarly(resolved)) return await reportEarly(ctx, resolved)
  const detail = `accession number ${resolved.accessionNumber} is CollectionSpace object ${resolved.object.csid}${resolved.object.title === undefined ? '' : ` (${resolved.object.title})`}`
  await ctx.writer.commit({ instance: resolved.instanceName, outcome: 'valid', detail, cspaceUrl: resolved.object.url })
  return { instance: resolved.instanceName, outcome: 'valid', detail, accessionNumber: resolved.accessionNumber, object: resolved.object }
}
