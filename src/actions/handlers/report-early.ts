/** An action that stops before doing its work (no instance, no number, not found, ambiguous) says why in RS. */
import type { ActionContext } from '../action-context.js'
import { reportToRs } from '../report.js'
import type { EarlyOutcome } from '../resolve.js'
import type { HandlerResult } from '../types.js'

export async function reportEarly (ctx: ActionContext, early: EarlyOutcome): Promise<HandlerResult> {
  const message = `${early.outcome}: ${early.message}`
  const written = await reportToRs(ctx, { message, ...(ctx.req.caller === 'sync' ? { synced: 'false' as const } : {}) })
  return {
    instance: early.instanceName,
    outcome: early.outcome,
    message,
    ...(early.accessionNumber === undefined ? {} : { accessionNumber: early.accessionNumber }),
    ...(early.candidates === undefined ? {} : { candidates: early.candidates }),
    written
  }
}
