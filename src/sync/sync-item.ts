/**
 * One resource of the nightly run: the same action code as the buttons (resolve, retrieve-metadata,
 * push-resource), composed so each upstream question is asked once and RS is written once at the end
 * (mapped values + synced flag + status sentence), all in one transaction.
 */
import type { ActionContext } from '../actions/action-context.js'
import type { HandlerResult } from '../actions/types.js'
import { isEarly, resolveObject } from '../actions/resolve.js'
import { reportEarly } from '../actions/handlers/report-early.js'
import { mappedChanges } from '../actions/handlers/retrieve-metadata.js'
import { pushResolved } from '../actions/handlers/push-resource.js'
import { reportToRs } from '../actions/report.js'

export async function syncItem (ctx: ActionContext): Promise<HandlerResult> {
  const resolved = await resolveObject(ctx)
  if (isEarly(resolved)) return await reportEarly(ctx, resolved)
  const changes = await mappedChanges(ctx, resolved)
  const result = await pushResolved(ctx, resolved, changes.map(c => ({ field: c.fieldRef ?? c.field, value: c.value })))
  return { ...result, changes }
}

/** `--refresh` for an already-synced resource: only the metadata, written where it changed. */
export async function refreshItem (ctx: ActionContext): Promise<HandlerResult> {
  const resolved = await resolveObject(ctx)
  if (isEarly(resolved)) return await reportEarly(ctx, resolved)
  const changes = await mappedChanges(ctx, resolved)
  if (changes.length === 0) return { instance: resolved.instanceName, outcome: 'unchanged', message: 'unchanged: metadata already current', accessionNumber: resolved.accessionNumber, object: resolved.object }
  const message = `updated ${changes.length} field(s) (${changes.map(c => c.field).join(', ')}) from CollectionSpace object ${resolved.accessionNumber} after it changed`
  const written = await reportToRs(ctx, { message, values: changes.map(c => ({ field: c.fieldRef ?? c.field, value: c.value })) })
  return { instance: resolved.instanceName, outcome: 'updated', message, accessionNumber: resolved.accessionNumber, object: resolved.object, changes, written }
}
