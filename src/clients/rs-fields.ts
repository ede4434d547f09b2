/**
 * What ResourceSpace does with a value written into a field of a given type, so spacelink only writes
 * values RS keeps (docs/resourcespace-api.md §Field types and §update_field):
 * - fixed option lists answer `true` to an unknown option and *empty the field*;
 * - a single-choice list answers `false` to two values; a required field answers `false` to a blank;
 * - date fields store any text through the API, but the edit form RS saves before every button press
 *   rebuilds each date from its year/month/day parts: `ca. 1950` becomes `` and `1969` becomes
 *   `1969-00-00`. So a date field only gets the form-stable shape `YYYY-MM-DD` (`00` for an unknown
 *   month or day; a type-10 "Date" field with RS's native date input wants a complete date).
 * Also: the catalog of field definitions spacelink has seen, learned from `get_resource_field_data`
 * answers (which any user with view access gets), never from the admin-only `get_resource_type_fields`.
 */
import { SpacelinkError } from '../errors.js'

/** A field definition as a `get_resource_field_data` answer describes it. */
export interface FieldDefinition {
  ref: number
  name: string
  title: string
  /**
   * 0 text, 1 multi-line, 2 checkbox list, 3 dropdown, 4 date(+time), 5 large text, 6 expiry date, 7 tree,
   * 8 rich text, 9 dynamic keywords, 10 date, 12 radio, 14 date range.
   */
  type: number
  required: boolean
}

/** Fixed option lists whose unknown values RS silently drops (9, dynamic keywords, creates them instead). */
export const fixedOptionTypes: ReadonlySet<number> = new Set([2, 3, 7, 12])
/** Lists that hold one option only. */
const singleOptionTypes: ReadonlySet<number> = new Set([3, 12])
/** Dates rebuilt from year/month/day parts by the edit form (6, expiry, uses the same form code as 4). */
const partialDateTypes: ReadonlySet<number> = new Set([4, 6])
/** The "Date" type: with RS's native date input (new installs) only a complete `YYYY-MM-DD` survives. */
const completeDateType = 10
const dateRangeType = 14

export const fieldTypeNames: Record<number, string> = {
  0: 'text',
  1: 'multi-line text',
  2: 'checkbox list',
  3: 'dropdown',
  4: 'date',
  5: 'large text',
  6: 'expiry date',
  7: 'category tree',
  8: 'rich text',
  9: 'dynamic keywords',
  10: 'date',
  12: 'radio buttons',
  13: 'warning message',
  14: 'date range'
}

export function isDateType (type: number): boolean {
  return partialDateTypes.has(type) || type === completeDateType || type === dateRangeType
}

/** What the edit form keeps of a date: `YYYY-MM-DD` (`00` for unknown parts; an optional ` HH:MM` on type 4). */
const formStableDate = /^(\d{4})-(\d{2})-(\d{2})( ([01]\d|2[0-3]):[0-5]\d)?$/

/**
 * Why RS would not keep `value` in this field, or `undefined` when it would. Option lists are checked
 * against `options` (the field's option names; pass them for fixed-list types).
 */
export function refusalOf (field: FieldDefinition, value: string, options: readonly string[] = []): string | undefined {
  const trimmed = value.trim()
  if (trimmed === '') return field.required ? 'RS requires a value in this field and refuses to blank it' : undefined
  if (fixedOptionTypes.has(field.type)) return optionRefusal(field, trimmed, options)
  if (field.type === dateRangeType) return 'date range fields are not filled by spacelink'
  if (partialDateTypes.has(field.type) || field.type === completeDateType) return dateRefusal(field.type, trimmed)
  return undefined
}

function optionRefusal (field: FieldDefinition, value: string, options: readonly string[]): string | undefined {
  const names = splitOptionValue(value)
  if (singleOptionTypes.has(field.type) && names.length > 1) return `'${value}' holds ${names.length} values; the list allows one`
  const known = new Set(options.map((option) => option.toLowerCase()))
  for (const name of names) {
    // Trees (7) accept a full path `A/B` or a leaf name.
    const candidates = field.type === 7 ? [name, name.split('/').at(-1) ?? name] : [name]
    if (!candidates.some((candidate) => known.has(candidate.toLowerCase()))) {
      return `'${name}' is not one of its options (${options.join(', ')})`
    }
  }
  return undefined
}

function dateRefusal (type: number, value: string): string | undefined {
  const match = formStableDate.exec(value)
  const [year, month, day] = match === null ? [0, -1, -1] : [Number(match[1]), Number(match[2]), Number(match[3])]
  if (match === null || year === 0 || month > 12 || day > 31) {
    return `'${value}' is not a date RS keeps (its edit form would erase or change it); a date field takes YYYY-MM-DD`
  }
  if (type === completeDateType && (month === 0 || day === 0 || match[4] !== undefined || !isCalendarDate(year, month, day))) {
    return `'${value}' is not a complete date; this date field takes only YYYY-MM-DD`
  }
  return undefined
}

function isCalendarDate (year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** A date for this field type from its parts, or why there is none (a year alone cannot fill a type-10 date). */
export function rsDate (type: number, parts: { year: number, month?: number, day?: number }): { value: string } | { refused: string } {
  const pad = (n: number | undefined, width: number): string => String(n ?? 0).padStart(width, '0')
  const value = `${pad(parts.year, 4)}-${pad(parts.month, 2)}-${pad(parts.day, 2)}`
  const refused = dateRefusal(type, value)
  return refused === undefined ? { value } : { refused }
}

/**
 * Option names from an option-list value as RS parses it (`str_getcsv`): comma-separated, a name with a
 * comma in double quotes.
 */
export function splitOptionValue (value: string): string[] {
  const names: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < value.length; i++) {
    const c = value[i]
    if (c === '"') {
      if (quoted && value[i + 1] === '"') {
        current += '"'
        i++
      } else {
        quoted = !quoted
      }
    } else if (c === ',' && !quoted) {
      names.push(current)
      current = ''
    } else {
      current += c
    }
  }
  names.push(current)
  return names.map((name) => name.trim()).filter((name) => name !== '')
}

export function describeField (field: Pick<FieldDefinition, 'ref' | 'name'>): string {
  return field.name === '' ? String(field.ref) : `${field.name} (${field.ref})`
}

/** The field definitions seen so far, by ref and by shortname (shortnames are not unique in RS: check). */
export class FieldCatalog {
  readonly #byRef = new Map<number, FieldDefinition>()
  readonly #byName = new Map<string, FieldDefinition[]>()

  learn (field: FieldDefinition): void {
    if (!Number.isInteger(field.ref) || this.#byRef.has(field.ref)) return
    const copy = { ref: field.ref, name: field.name, title: field.title, type: field.type, required: field.required }
    this.#byRef.set(field.ref, copy)
    if (field.name === '') return
    this.#byName.set(field.name, [...(this.#byName.get(field.name) ?? []), copy])
  }

  /** The definition of a field given by ref or shortname, if seen; a shortname used twice is an error. */
  find (nameOrRef: number | string): FieldDefinition | undefined {
    const numeric = asFieldRef(nameOrRef)
    if (numeric !== undefined) return this.#byRef.get(numeric)
    const named = this.#byName.get(String(nameOrRef))
    if (named !== undefined && named.length > 1) {
      throw new SpacelinkError('RS_AMBIGUOUS_FIELD', 502, 'Ambiguous ResourceSpace field',
        `ResourceSpace has ${named.length} fields named ${JSON.stringify(nameOrRef)} (refs ${named.map((d) => d.ref).join(', ')}): configure the numeric ref`,
        { field: nameOrRef, refs: named.map((d) => d.ref) })
    }
    return named?.[0]
  }
}

/** A positive integer ref (`89`, `' 89'`), or undefined for a shortname. */
export function asFieldRef (nameOrRef: number | string): number | undefined {
  if (typeof nameOrRef === 'number') return Number.isInteger(nameOrRef) && nameOrRef > 0 ? nameOrRef : undefined
  return /^\d+$/.test(nameOrRef.trim()) ? Number(nameOrRef.trim()) : undefined
}

/** True when a field given by ref or shortname is this definition. */
export function isField (field: Pick<FieldDefinition, 'ref' | 'name'>, nameOrRef: number | string): boolean {
  const numeric = asFieldRef(nameOrRef)
  return numeric === undefined ? field.name === String(nameOrRef) : field.ref === numeric
}
