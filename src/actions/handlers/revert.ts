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
  const loaded = await loadResource(ctx)
  // Only metadata is reverted: the fields spacelink owns (status, CS URL, synced) are rewritten by every
  // action, so a later action touching them is no reason to refuse.
  const { fields } = ctx.services.config.resourcespace
  const owned = [fields.status, fields.cspaceUrl, fields.synced].map(ref => findField(loaded.fields, ref)?.ref ?? ref).map(String)
  const isOwned = (w: { field: string, fieldRef: number | null }): boolean => owned.includes(w.field) || owned.includes(String(w.fieldRef))
  const done = target.rsWrites.filter(w => w.writtenAt !== null && !isOwned(w))
  const changedSince = done.filter(w => (findField(loaded.fields, w.fieldRef ?? w.field)?.value ?? '').trim() !== w.value.trim())
  const statusNow = findField(loaded.fields, fields.status)
  const status = (message: string): FieldChange => ({ field: String(fields.status), fieldRef: statusNow?.ref ?? null, previous: statusNow?.value ?? '', value: statusSentence(message) })
  if (changedSince.length > 0) {
    const names = changedSince.map(w => findField(loaded.fields, w.fieldRef ?? w.field)?.name ?? w.field).join(', ')
    const message = `conflict: not reverted, field(s) ${names} changed in RS since transaction ${id}`
    const written = await writeFields(ctx, [status(message)])
    return { instance: target.instance, outcome: 'conflict', message, changes: changedSince.map(toChange), written }
  }
  // Restore the values as they were, last write first.
  const restore: FieldChange[] = done.reverse().map(w => ({ field: w.field, fieldRef: w.fieldRef, previous: w.value, value: w.previous }))
  const message = restore.length === 0 ? `unchanged: transaction ${id} wrote no metadata to revert` : `reverted ${restore.length} field(s) written by transaction ${id}`
  const written = await writeFields(ctx, [...restore, status(message)])
  return { instance: target.instance, outcome: restore.length === 0 ? 'unchanged' : 'reverted', message, changes: restore, written }
}

function toChange (w: { field: string, fieldRef: number | null, previous: string, value: string }): FieldChange {
  return { field: w.field, fieldRef: w.fieldRef, previous: w.previous, value: w.value }
}
