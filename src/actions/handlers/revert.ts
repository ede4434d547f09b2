/**
 * revert: put back the RS metadata values an earlier transaction replaced. Everything is checked before
 * anything is written: a field someone changed since makes the whole revert a `conflict` (restoring it
 * would silently destroy their edit); a value RS would refuse (a required title cannot be blanked) is
 * left as it is and named; a field already back at its earlier value counts as restored. So a revert
 * says exactly what was and was not restored, and a second revert answers `unchanged`.
 */
import { SpacelinkError } from '../../errors.js'
import type { ActionContext } from '../context.js'
import { fieldNames } from '../metadata.js'
import { loadResource } from '../resolve.js'
import { revertPlan } from '../revert-plan.js'
import type { FieldChange, HandlerResult } from '../types.js'

export async function revert (ctx: ActionContext): Promise<HandlerResult> {
  const id = ctx.req.transaction
  if (id === undefined || id === '') {
    throw new SpacelinkError('INVALID_INPUT', 400, 'Invalid input', 'revert needs `transaction`: the id of the transaction to undo')
  }
  const target = await ctx.services.store.transactions.get(id)
  if (target === undefined || target.rsid !== ctx.req.rsid) {
    throw new SpacelinkError('TRANSACTION_NOT_FOUND', 404, 'Unknown transaction', `no transaction ${id} for resource ${ctx.req.rsid}`)
  }
  const loaded = await loadResource(ctx)
  const plan = revertPlan(ctx.services.config.resourcespace.fields, target.rsWrites, loaded.fields)
  const { pending } = plan
  const changedSince = plan.changedSince.map(({ current: _, ...change }) => change)
  if (changedSince.length > 0) {
    const detail = `not reverted: ${fieldNames(changedSince)} changed in RS since transaction ${id}`
    await ctx.writer.commit({ instance: target.instance, outcome: 'conflict', detail })
    return { instance: target.instance, outcome: 'conflict', detail, changes: changedSince }
  }
  const prepared = await ctx.writer.prepare(pending.map(w => ({ field: w.fieldRef ?? w.field, value: w.previous })))
  const restored: FieldChange[] = prepared.changes
  const detail = restored.length === 0
    ? `nothing to restore from transaction ${id}${prepared.refused.length === 0 ? ' (its values are already back)' : ''}`
    : `${restored.length} field(s) (${fieldNames(restored)}) restored to their values before transaction ${id}`
  const outcome = restored.length === 0 ? 'unchanged' : 'reverted'
  await ctx.writer.commit({ instance: target.instance, outcome, detail, changes: restored, refused: prepared.refused })
  return { instance: target.instance, outcome, detail, changes: restored, refused: prepared.refused }
}
