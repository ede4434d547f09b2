/**
 * revert: put back the RS values an earlier transaction replaced. Refuses (409) when someone changed a
 * field since, because restoring then would silently destroy their edit.
 */
import { SpacelinkError } from '../../errors.js'
import type { ActionContext } from '../action-context.js'
import { loadResource } from '../resolve.js'
import { findField } from '../resource-context.js'
import { writeFields } from '../rs-writes.js'
import { statusSentence } from '../outcome.js'
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
  const done = target.rsWrites.filter(w => w.writtenAt !== null)
  const loaded = await loadResource(ctx)
  const changedSince = done.filter(w => (findField(loaded.fields, w.fieldRef ?? w.field)?.value ?? '').trim() !== w.value.trim())
  if (changedSince.length > 0) {
    const names = changedSince.map(w => w.field).join(', ')
    return { instance: target.instance, outcome: 'conflict', message: `conflict: not reverted, field(s) ${names} changed in RS since transaction ${id}`, changes: changedSince.map(toChange) }
  }
  // Restore the values as they were, last write first; the status field gets the revert's own sentence.
  const statusField = String(ctx.services.config.resourcespace.fields.status)
  const restore: FieldChange[] = done.reverse().map(w => ({ field: w.field, fieldRef: w.fieldRef, previous: w.value, value: w.previous }))
    .filter(c => c.field !== statusField && String(c.fieldRef) !== statusField)
  const message = restore.length === 0 ? `unchanged: transaction ${id} wrote nothing to revert` : `reverted ${restore.length} field(s) written by transaction ${id}`
  const statusRef = ctx.services.config.resourcespace.fields.status
  const statusNow = findField(loaded.fields, statusRef)
  const written = await writeFields(ctx, [...restore, { field: String(statusRef), fieldRef: statusNow?.ref ?? null, previous: statusNow?.value ?? '', value: statusSentence(message) }])
  return { instance: target.instance, outcome: restore.length === 0 ? 'unchanged' : 'reverted', message, changes: restore, written }
}

function toChange (w: { field: string, fieldRef: number | null, previous: string, value: string }): FieldChange {
  return { field: w.field, fieldRef: w.fieldRef, previous: w.previous, value: w.value }
}
