/**
 * CS record → RS field values, per the instance's mapping and each RS field's type. Every repeated
 * value is kept (two makers are two names, joined), refNames become display names (`Georgia O'Keeffe`
 * stays whole), and an empty CS value leaves the RS field alone unless the rule says `blankWhenEmpty`.
 *
 * A date field gets a date RS keeps, from CS's structured date (the earliest year/month/day, else the
 * scalar value) — never the free-text display date, which RS's edit form would erase ("ca. 1950") or
 * change ("1969" → "1969-00-00") at the next save of the resource.
 */
import type { MappingRule } from '../config/schema.js'
import type { FieldDefinition } from '../clients/resourcespace.js'
import { isDateType, rsDate } from '../clients/rs-fields.js'
import { nodesAt, valuesAt } from '../cspace/record-path.js'
import { displayDateField, earliestDate } from '../cspace/structured-date.js'
import { childText, textOf } from '../cspace/xml.js'

export type MappedValue =
  | { field: string | number, cs: string, value: string }
  /** CS had no value and the rule keeps the RS value. */
  | { field: string | number, cs: string, skipped: true }
  /** CS has a value RS would not keep in this field (free text for a date). */
  | { field: string | number, cs: string, refused: string, value: string }

/** `fieldOf` gives the RS field a rule writes to (its type decides the conversion), when RS shows it. */
export function mapRecord (rules: readonly MappingRule[], doc: unknown, fieldOf: (ref: string | number) => FieldDefinition | undefined): MappedValue[] {
  return rules.map(rule => {
    const field = fieldOf(rule.rsField)
    return field !== undefined && isDateType(field.type) ? mapDate(rule, doc, field) : mapText(rule, doc)
  })
}

function mapText (rule: MappingRule, doc: unknown): MappedValue {
  const value = valuesAt(doc, rule.cs).join(rule.join)
  return value === '' && !rule.blankWhenEmpty ? { field: rule.rsField, cs: rule.cs, skipped: true } : { field: rule.rsField, cs: rule.cs, value }
}

function mapDate (rule: MappingRule, doc: unknown, field: FieldDefinition): MappedValue {
  const base = { field: rule.rsField, cs: rule.cs }
  const nodes = nodesAt(doc, rule.cs)
  const parts = nodes.map(earliestDate).find(p => p !== undefined)
  if (parts !== undefined) {
    const date = rsDate(field.type, parts)
    return 'value' in date ? { ...base, value: date.value } : { ...base, value: String(parts.year), refused: date.refused }
  }
  // No date: free text at the path, or a group whose display date CS could not structure.
  const text = nodes.map(node => (textOf(node) ?? childText(node, displayDateField) ?? '').trim()).find(t => t !== '')
  if (text !== undefined) {
    return {
      ...base,
      value: text,
      refused: `'${text}' is free text, not a date RS keeps; map the CS structured date group (e.g. …/objectProductionDateGroup)`
    }
  }
  return rule.blankWhenEmpty ? { ...base, value: '' } : { ...base, skipped: true }
}
