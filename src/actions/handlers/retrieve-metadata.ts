/**
 * retrieve-metadata: validate, then copy the mapped CS values into RS. Only differing values are written
 * and each previous value is recorded (so `revert` can undo it); `dry_run` returns the diff and writes
 * nothing anywhere, not even the status field.
 */
import type { ActionContext } from '../action-context.js'
import { mapRecord } from '../../mapping/map-record.js'
import { diffFields } from '../rs-writes.js'
import { isEarly, resolveObject, type Resolved } from '../resolve.js'
import { reportEarly } from './report-early.js'
import { reportToRs } from '../report.js'
import type { FieldChange, HandlerResult } from '../types.js'

/** The metadata step on its own (the nightly sync runs it before the push, with one final report). */
export async function mappedChanges (ctx: ActionContext, resolved: Resolved): Promise<FieldChange[]> {
  ctx.memo.record ??= await resolved.cs.getObject(resolved.object.csid)
  const mapped = mapRecord(resolved.instance.mapping, ctx.memo.record.doc)
  ctx.details.raw = ctx.memo.record.xml
  ctx.details.mapped = Object.fromEntries(mapped.map(m => [String(m.field), m.skipped ? null : m.value]))
  return diffFields(ctx, mapped.filter(m => !m.skipped).map(m => ({ field: m.field, value: m.value })))
}

export async function retrieveMetadata (ctx: ActionContext): Promise<HandlerResult> {
  const resolved = await resolveObject(ctx)
  if (isEarly(resolved)) return await reportEarly(ctx, resolved)
  const changes = await mappedChanges(ctx, resolved)
  const outcome = changes.length === 0 ? 'unchanged' : 'updated'
  const fieldNames = changes.map(c => c.field).join(', ')
  const message = ctx.req.dryRun === true
    ? (changes.length === 0 ? 'unchanged: RS already holds the CollectionSpace values' : `dry run: would update ${changes.length} field(s) (${fieldNames}) from CollectionSpace object ${resolved.accessionNumber}`)
    : (changes.length === 0 ? `unchanged: RS already holds the values of CollectionSpace object ${resolved.accessionNumber}` : `updated ${changes.length} field(s) (${fieldNames}) from CollectionSpace object ${resolved.accessionNumber}`)
  const written = await reportToRs(ctx, { message, cspaceUrl: resolved.object.url, values: changes.map(c => ({ field: c.fieldRef ?? c.field, value: c.value })) })
  return {
    instance: resolved.instanceName,
    outcome,
    message,
    accessionNumber: resolved.accessionNumber,
    object: resolved.object,
    changes,
    written
  }
}
