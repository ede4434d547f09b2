/**
 * Writing into RS, with memory: only values that differ are written, every previous value is recorded
 * in the transaction before the write and each write is marked done after it, so a revert (or an
 * operator reading the log after a crash) knows exactly what RS held before.
 */
import type { FieldRef } from '../config/schema.js'
import type { ActionContext } from './action-context.js'
import { findField } from './resource-context.js'
import type { FieldChange } from './types.js'
import { SpacelinkError } from '../errors.js'

export interface DesiredValue {
  field: FieldRef
  value: string
}

/** The changes that writing `desired` would make (values equal after trimming are left alone). */
export function diffFields (ctx: ActionContext, desired: DesiredValue[]): FieldChange[] {
  const fields = ctx.memo.loaded?.fields ?? []
  const changes: FieldChange[] = []
  for (const d of desired) {
    const current = findField(fields, d.field)
    const previous = (current?.value ?? '').trim()
    if (previous === d.value.trim()) continue
    if (changes.some(c => c.field === String(d.field))) continue
    changes.push({ field: String(d.field), fieldRef: current?.ref ?? (typeof d.field === 'number' ? d.field : null), previous, value: d.value })
  }
  return changes
}

/**
 * Records, writes and marks each change; returns the changes written. Never writes in a dry run, nor
 * once the api_webhooks caller has been answered (see ActionContext.answered).
 */
export async function writeFields (ctx: ActionContext, changes: FieldChange[]): Promise<FieldChange[]> {
  if (ctx.req.dryRun === true || changes.length === 0) return []
  return await underRsGate(ctx, async () => {
    if (!ctx.answered) return await writeFieldsNow(ctx, changes)
    ctx.log.info({ fields: changes.map(c => c.field) }, 'RS not written: the button was already answered')
    return []
  })
}

/** Runs `work` after every RS write (or answer) of this action queued before it. */
export async function underRsGate<T> (ctx: ActionContext, work: () => Promise<T>): Promise<T> {
  const turn = ctx.rsGate.then(work)
  ctx.rsGate = turn.then(() => {}, () => {})
  return await turn
}

/** The writes themselves; callers run under the RS gate. */
export async function writeFieldsNow (ctx: ActionContext, changes: FieldChange[]): Promise<FieldChange[]> {
  const { store, rs } = ctx.services
  const pending = changes.map(c => ({ ...c, writtenAt: null as string | null }))
  ctx.rsWrites.push(...pending)
  await store.transactions.recordRsWrites(ctx.transactionId, ctx.rsWrites)
  const statusField = String(ctx.services.config.resourcespace.fields.status)
  const refused: string[] = []
  const written: FieldChange[] = []
  for (const change of pending) {
    // A value refused for one field (not an option of a fixed list) must not stop the others, and the
    // person reads which field was left alone in the status sentence (always the last write).
    const isStatus = change.field === statusField || String(change.fieldRef) === statusField
    const value = isStatus && refused.length > 0 ? `${change.value} (not written: ${refused.join('; ')})` : change.value
    try {
      await rs.updateField(ctx.req.rsid, change.fieldRef ?? change.field, value)
    } catch (err) {
      if (!(err instanceof SpacelinkError) || err.code !== 'RS_OPTION_NOT_ALLOWED') throw err
      const name = findField(ctx.memo.loaded?.fields ?? [], change.fieldRef ?? change.field)?.name ?? change.field
      refused.push(`${name}: '${change.value}' is not one of its options`)
      ctx.log.warn({ field: change.field }, 'value refused: not an option of the field')
      continue
    }
    change.value = value
    change.writtenAt = new Date().toISOString()
    written.push(change)
    await store.transactions.markRsWriteDone(ctx.transactionId, change.field, change.writtenAt)
    const known = findField(ctx.memo.loaded?.fields ?? [], change.fieldRef ?? change.field)
    if (known !== undefined) known.value = value
  }
  return written
}
