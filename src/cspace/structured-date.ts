/**
 * CollectionSpace structured dates (`…DateGroup`: `dateDisplayDate`, `dateEarliestSingleYear/Month/Day`,
 * `dateEarliestSingleEra`, `dateEarliestScalarValue`, …; docs/collectionspace-api.md §Structured dates).
 * The display date is free text for people ("ca. 1950", "circa 1920"); the earliest year/month/day, or
 * failing them the computed scalar value, are what a date field elsewhere can hold.
 */
import { childText, isElement, type XmlValue } from './xml.js'

export interface DateParts {
  year: number
  month?: number
  day?: number
}

/** The free-text leaf of a structured date: never a date for another system. */
export const displayDateField = 'dateDisplayDate'

/**
 * The earliest date of a structured date group, or of a leaf that holds an ISO date (`1969`,
 * `1969-05`, `1969-05-12`, a scalar `1969-05-12T00:00:00.000Z`); `undefined` for free text, an empty
 * group, or a date before the common era.
 */
export function earliestDate (node: XmlValue): DateParts | undefined {
  if (!isElement(node)) return isoDate(node)
  const era = childText(node, 'dateEarliestSingleEra') ?? ''
  if (/\bB\.?C/i.test(era)) return undefined
  const year = integer(childText(node, 'dateEarliestSingleYear'))
  if (year !== undefined && year > 0) {
    const month = integer(childText(node, 'dateEarliestSingleMonth'))
    const day = integer(childText(node, 'dateEarliestSingleDay'))
    return { year, ...(month === undefined ? {} : { month }), ...(month === undefined || day === undefined ? {} : { day }) }
  }
  const scalar = childText(node, 'dateEarliestScalarValue')
  return scalar === undefined ? undefined : isoDate(scalar)
}

function isoDate (text: string): DateParts | undefined {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text.trim())
  if (match === null || Number(match[1]) === 0) return undefined
  return {
    year: Number(match[1]),
    ...(match[2] === undefined ? {} : { month: Number(match[2]) }),
    ...(match[3] === undefined ? {} : { day: Number(match[3]) })
  }
}

function integer (text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined
}
