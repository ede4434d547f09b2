/** An action that stops before its work (no instance, no number, not found, ambiguous) says why in RS. */
import type { ActionContext } from './context.js'
import type { EarlyOutcome } from './resolve.js'
import type { HandlerResult } from './types.js'

export async function reportEarly (ctx: ActionContext, early: EarlyOutcome): Promise<HandlerResult> {
  // Only the nightly run marks a failed resource `synced = false` (so it leaves the `!empty` search).
  await ctx.writer.commit({ instance: early.instanceName, outcome: early.outcome, detail: early.detail, ...(ctx.req.caller === 'sync' ? { synced: 'false' as const } : {}) })
  return {
    instance: early.instanceName,
    outcome: early.outcome,
    detail: early.detail,
    ...(early.accessionNumber === undefined ? {} : { accessionNumber: early.accessionNumber }),
    ...(early.candidates === undefined ? {} : { candidates: early.candidates })
  }
}
