/**
 * RS fields by the names people know them by: the title RS gives the field (kept with each write), else,
 * for the fields spacelink owns, what spacelink uses them for, else the shortname — never a bare ref
 * such as `91` when anything better is known.
 */
import type { Config } from '../config/schema.js'
import { isField } from '../clients/rs-fields.js'

export interface FieldNaming {
  field: string
  fieldRef: number | null
  title?: string | null
}

export function fieldLabel (config: Config, f: FieldNaming): string {
  if (f.title !== undefined && f.title !== null && f.title.trim() !== '') return f.title
  const { fields } = config.resourcespace
  const roles: Array<[string | number, string]> = [
    [fields.status, 'spacelink status'],
    [fields.cspaceUrl, 'CollectionSpace record'],
    [fields.synced, 'Synced to CollectionSpace'],
    [fields.accessionNumber, 'Accession number'],
    ...(fields.group === undefined ? [] : [[fields.group, 'Group'] as [string | number, string]])
  ]
  const field = { ref: f.fieldRef ?? (Number.isInteger(Number(f.field)) ? Number(f.field) : -1), name: f.field }
  const role = roles.find(([ref]) => isField(field, ref))
  if (role !== undefined) return role[1]
  return /^\d+$/.test(f.field) ? `field ${f.field}` : f.field
}
