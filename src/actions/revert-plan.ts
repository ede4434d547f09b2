/**
 * What reverting an earlier transaction would do, worked out in one place for the action and for its
 * confirmation page, so the page never promises what the press will not do. Only metadata is reverted:
 * the fields spacelink owns (status, CS URL, synced) are rewritten by every action. Per field: the value
 * before the transaction's first write, the value its last write left, and what RS holds now. A field
 * already back at its earlier value needs nothing; a field changed in RS since the transaction blocks the
 * whole revert (restoring it would silently destroy someone's edit).
 */
import type { FieldValue } from '../clients/resourcespace.js'
import { isField } from '../clients/rs-fields.js'
import type { RsFieldsConfig } from '../config/schema.js'
import type { RsWrite } from '../store/index.js'

export type OwnedFields = Pick<RsFieldsConfig, 'status' | 'cspaceUrl' | 'synced'>

export interface RevertEntry {
  field: string
  fieldRef: number | null
  /** Before the transaction: what a revert writes back. */
  previous: string
  /** What the transaction left. */
  value: string
  /** What RS holds now (trimmed). */
  current: string
  title?: string
}

/** The writes of a transaction a revert is about: metadata RS accepted, not spacelink's own fields. */
export function revertableWrites (owned: OwnedFields, writes: readonly RsWrite[]): RsWrite[] {
  const ownedRefs = [owned.status, owned.cspaceUrl, owned.synced]
  return writes.filter(w => w.writtenAt !== null && !ownedRefs.some(ref => isField({ ref: w.fieldRef ?? -1, name: w.field }, ref)))
}

export interface RevertPlan {
  /** Fields the revert writes back. */
  pending: RevertEntry[]
  /** Fields changed in RS since the transaction: any one makes the revert a `conflict`. */
  changedSince: RevertEntry[]
}

export function revertPlan (owned: OwnedFields, writes: readonly RsWrite[], fields: readonly FieldValue[]): RevertPlan {
  const byField = new Map<string, RevertEntry>()
  for (const w of revertableWrites(owned, writes)) {
    const seen = byField.get(w.field)
    if (seen !== undefined) {
      seen.value = w.value
      continue
    }
    const now = fields.find(f => isField(f, w.fieldRef ?? w.field))
    const title = now?.title || w.title || undefined
    byField.set(w.field, { field: w.field, fieldRef: w.fieldRef, previous: w.previous, value: w.value, current: (now?.value ?? '').trim(), ...(title === undefined ? {} : { title }) })
  }
  const pending = [...byField.values()].filter(e => e.current !== e.previous.trim())
  return { pending, changedSince: pending.filter(e => e.current !== e.value.trim()) }
}
