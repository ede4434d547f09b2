/**
 * CS record → RS field values, per the instance's mapping. Every repeated value is kept (two makers are
 * two names, joined), refNames become display names (`Georgia O'Keeffe` stays whole), and an empty CS
 * value leaves the RS field alone unless the rule says `blankWhenEmpty`.
 */
import type { MappingRule } from '../config/schema.js'
import { valuesAt } from '../cspace/record-path.js'

export interface MappedValue {
  field: string | number
  cs: string
  value: string
  /** True when CS had no value and the rule keeps the RS value. */
  skipped: boolean
}

export function mapRecord (rules: MappingRule[], doc: unknown): MappedValue[] {
  return rules.map(rule => {
    const values = valuesAt(doc, rule.cs)
    const value = values.join(rule.join)
    return { field: rule.rsField, cs: rule.cs, value, skipped: value === '' && !rule.blankWhenEmpty }
  })
}
