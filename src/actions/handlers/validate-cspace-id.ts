/**
 * validate-cspace-id: is there exactly one live CS object for this resource's accession number?
 * Writes the outcome sentence and, when valid, the CS record URL into RS.
 */
import type { ActionContext } from '../action-context.js'
import { isEarly, resolveObject } from '../resolve.js'
import { reportEarly } from './report-early.js'
import { reportToRs } from '../report.js'
import type { HandlerResult } from '../types.js'

export async function validateCspaceId (ctx: ActionContext): Promise<HandlerResult> {
  const resolved = await resolveObject(ctx)
  if (isEarly(resolved)) return await reportEarly(ctx, resolved)
  const message = `valid: accession number ${resolved.accessionNumber} is CollectionSpace object ${resolved.object.csid}`
  const written = await reportToRs(ctx, { message, cspaceUrl: resolved.object.url })
  return {
    instance: resolved.instanceName,
    outcome: 'valid',
    message,
    accessionNumber: resolved.accessionNumber,
    object: resolved.object,
    written
  }
}
