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
    objectProductionDateGroupList: [o.date === undefined
      ? ''
      : { objectProductionDateGroup: [{ dateDisplayDate: [o.date], dateEarliestSingleYear: [/\d{4}/.exec(o.date)?.[0] ?? ''] }] }]
  }
  return { collectionobjects_common: common }
}
