/**
 * Which CS values a mapping may put into which kind of RS field, checked before the first night: by
 * `config check` when the configuration states the RS field's kind (`rsFieldType`), and by
 * `config check --online` from the field's type in RS.
 *
 * A date field must be filled from a CS structured date (the group, e.g. `…/objectProductionDateGroup`,
 * or its scalar value), never from free text: RS's edit form rebuilds every date from year/month/day at
 * the next save of the resource, erasing `ca. 1950` and turning `1969` into `1969-00-00`.
 */

export type RsFieldKind = 'text' | 'date' | 'list'

/** Leaves of a CS structured date that are words for people, not dates. */
const freeTextDateLeaves = new Set(['dateDisplayDate', 'dateAssociation', 'dateNote', 'datePeriod', 'dateEarliestSingleCertainty', 'dateEarliestSingleQualifier', 'dateLatestCertainty', 'dateLatestQualifier'])

/** Why a mapping from this CS path cannot fill an RS field of this kind, or `undefined`. */
export function mappingProblem (csPath: string, kind: RsFieldKind): string | undefined {
  if (kind !== 'date') return undefined
  const segments = csPath.split('/')
  const leaf = segments.at(-1) ?? ''
  if (!freeTextDateLeaves.has(leaf)) return undefined
  const group = segments.slice(0, -1).join('/')
  return `maps the CS free-text date part '${leaf}' into an RS date field, whose edit form erases text such as 'ca. 1950' and turns '1969' into '1969-00-00' at the next save; map the structured date group '${group}' instead`
}
