/**
 * The metadata step every action that copies CS into RS shares (retrieve-metadata, push-resource, the
 * nightly run): read the CS object once, map it per the instance's rules and the RS fields' types, and
 * return what would change in RS and what RS would not keep (named to the person, never written).
 */
import { isField } from '../clients/rs-fields.js'
import { mapRecord } from '../mapping/map-record.js'
import type { ActionContext } from './context.js'
import type { Resolved } from './resolve.js'
import type { FieldChange, RefusedValue } from './types.js'

export interface MetadataChanges {
  changes: FieldChange[]
  refused: RefusedValue[]
}

/** `ctx` needs only the memo, the details kept with the transaction and the writer (a preview passes its own). */
export async function mappedMetadata (ctx: Pick<ActionContext, 'memo' | 'details' | 'writer'>, resolved: Resolved): Promise<MetadataChanges> {
  ctx.memo.record ??= await resolved.cs.getObject(resolved.object.csid)
  const { fields } = resolved.loaded
  const fieldOf = (ref: string | number): typeof fields[number] | undefined => fields.find(f => isField(f, ref))
  const mapped = mapRecord(resolved.instance.mapping, ctx.memo.record.doc, fieldOf)
  ctx.details.raw = ctx.memo.record.xml
  ctx.details.mapped = Object.fromEntries(mapped.map(m => [String(m.field), 'value' in m && !('refused' in m) ? m.value : null]))
  const refused: RefusedValue[] = mapped.flatMap(m => {
    if (!('refused' in m)) return []
    const field = fieldOf(m.field)
    return [{ field: field?.name ?? String(m.field), fieldRef: field?.ref ?? null, title: field?.title ?? String(m.field), value: m.value, reason: m.refused }]
  })
  const desired = mapped.flatMap(m => 'value' in m && !('refused' in m) ? [{ field: m.field, value: m.value }] : [])
  const prepared = await ctx.writer.prepare(desired)
  return { changes: prepared.changes, refused: [...refused, ...prepared.refused] }
}

/** "title, date" — the fields a change set touches, by their RS titles. */
export function fieldNames (changes: readonly FieldChange[]): string {
  return changes.map(c => c.title ?? c.field).join(', ')
}
