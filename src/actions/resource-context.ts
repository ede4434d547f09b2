/**
 * The first steps every action shares: read the RS resource (data + fields in parallel), pick the CS
 * instance, find the accession number (field first, then the original filename) and look it up in CS.
 */
import type { Config, FieldRef, InstanceConfig } from '../config/schema.js'
import { accessionFromFilename } from '../config/accession-from-filename.js'
import type { FieldValue, ResourceData } from '../clients/resourcespace.js'
import type { CollectionSpaceClient, ObjectSummary } from '../clients/collectionspace.js'
import { SpacelinkError } from '../errors.js'
import type { CsObjectRef } from './types.js'

export interface LoadedResource {
  rsid: number
  /** What the actions use of the resource row (its type picks the instance). */
  resource: Pick<ResourceData, 'ref' | 'resourceType'>
  fields: FieldValue[]
}

/** Finds a field of the resource by numeric ref or shortname (RS answers refs as numbers, config may say either). */
export function findField (fields: FieldValue[], ref: FieldRef): FieldValue | undefined {
  return typeof ref === 'number' || /^\d+$/.test(ref)
    ? fields.find(f => String(f.ref) === String(ref))
    : fields.find(f => f.name === ref)
}

export function fieldValue (fields: FieldValue[], ref: FieldRef): string {
  return (findField(fields, ref)?.value ?? '').trim()
}

/**
 * The instance for a resource: the one asked for, else the one whose resource types include the
 * resource's type, else the only one. `undefined` means no instance applies (answered as `no-instance`).
 */
export function chooseInstance (config: Config, resourceType: number, requested?: string): string | undefined {
  if (requested !== undefined) {
    if (config.instances[requested] === undefined) {
      throw new SpacelinkError('UNKNOWN_INSTANCE', 400, 'Unknown instance', `no CollectionSpace instance named '${requested}' is configured`, { instances: Object.keys(config.instances) })
    }
    return requested
  }
  const names = Object.keys(config.instances)
  const byType = names.find(name => config.instances[name]?.resourceTypes.includes(resourceType))
  if (byType !== undefined) return byType
  return names.length === 1 ? names[0] : undefined
}

/** The accession number: the RS field when the instance reads it, else the original filename through the pattern. */
export function accessionNumberOf (config: Config, instance: InstanceConfig, fields: FieldValue[]): string | undefined {
  if (instance.accessionNumber.fromField) {
    const fromField = fieldValue(fields, config.resourcespace.fields.accessionNumber)
    if (fromField !== '') return fromField
  }
  const filename = fieldValue(fields, config.resourcespace.fields.originalFilename)
  if (filename === '') return undefined
  const fromName = accessionFromFilename(instance, filename)
  return fromName === undefined || fromName.trim() === '' ? undefined : fromName.trim()
}

export type ObjectMatch =
  | { kind: 'valid', object: CsObjectRef }
  | { kind: 'not-found' }
  | { kind: 'ambiguous', candidates: Array<{ csid: string, objectNumber: string }> }

/** Exactly one non-deleted object with exactly this number is a match; anything else is never guessed. */
export async function matchObject (cs: CollectionSpaceClient, instance: InstanceConfig, accessionNumber: string): Promise<ObjectMatch> {
  const found: ObjectSummary[] = await cs.findObjectsByNumber(accessionNumber)
  if (found.length === 0) return { kind: 'not-found' }
  if (found.length > 1) return { kind: 'ambiguous', candidates: found.map(o => ({ csid: o.csid, objectNumber: o.objectNumber })) }
  const only = found[0] as ObjectSummary
  return { kind: 'valid', object: { csid: only.csid, objectNumber: only.objectNumber, url: recordUrl(instance, only.csid) } }
}

export function recordUrl (instance: InstanceConfig, csid: string): string {
  return instance.cspace.recordUrl.replaceAll('{csid}', encodeURIComponent(csid))
}
