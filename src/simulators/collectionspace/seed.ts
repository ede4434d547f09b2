/**
 * Sample-museum objects → collection object records shaped like real ones: objectNumber, a title group,
 * one production-person group per maker (refNames, in order), a production date group.
 */
import type { SampleObject } from '../sample-museum.js'
import type { PartNode } from './store.js'

export function objectParts (o: SampleObject): Record<string, PartNode> {
  const common: PartNode = {
    objectNumber: [o.objectNumber],
    numberOfObjects: ['1'],
    titleGroupList: [{ titleGroup: [{ title: [o.title], titleType: [''], titleLanguage: [''] }] }],
    objectProductionPersonGroupList: [{
      objectProductionPersonGroup: o.makers.map((maker) => ({ objectProductionPerson: [maker], objectProductionPersonRole: [''] }))
    }],
    objectProductionDateGroupList: [o.date === undefined ? '' : { objectProductionDateGroup: [structuredDate(o.date, o.earliest)] }]
  }
  return { collectionobjects_common: common }
}

/**
 * A structured date as CS's date parser leaves it: the display text as typed, the earliest year (and
 * month/day when known), the certainty word, and the computed scalar value (an xs:date).
 */
function structuredDate (display: string, earliest?: SampleObject['earliest']): PartNode {
  const year = earliest?.year ?? Number(/\d{4}/.exec(display)?.[0] ?? 0)
  const pad = (n: number | undefined): string => String(n ?? 1).padStart(2, '0')
  const certainty = /^(ca\.|circa|about)/i.exec(display)?.[1] ?? ''
  return {
    dateDisplayDate: [display],
    dateEarliestSingleYear: [year === 0 ? '' : String(year)],
    dateEarliestSingleMonth: [earliest?.month === undefined ? '' : String(earliest.month)],
    dateEarliestSingleDay: [earliest?.day === undefined ? '' : String(earliest.day)],
    dateEarliestSingleEra: [year === 0 ? '' : 'CE'],
    dateEarliestSingleCertainty: [certainty === '' ? '' : 'circa'],
    dateEarliestScalarValue: [year === 0 ? '' : `${year}-${pad(earliest?.month)}-${pad(earliest?.day)}`],
    scalarValuesComputed: [year === 0 ? 'false' : 'true']
  }
}
