/**
 * validate-cspace-id's core, shared by every action that needs the CS object: read the resource, choose
 * the instance, find the accession number (the RS field first, then the original filename) and match
 * exactly one non-deleted CS object. An early outcome (no instance, no number, not found, ambiguous)
 * comes back as a finished result for the handler to report.
 */
import type { Config, FieldRef, InstanceConfig } from '../config/schema.js'
import { accessionFromFilename } from '../config/accession-from-filename.js'
import type { CollectionSpaceClient } from '../clients/collectionspace.js'
import type { FieldValue, ImageSize } from '../clients/resourcespace.js'
import { isField } from '../clients/rs-fields.js'
import type { Outcome } from '../vocabulary.js'
import type { ActionContext, LoadedResource, ObjectMatch } from './context.js'
import type { CsObjectRef } from './types.js'
import { requireInstance } from '../config/instances.js'
import { blobName } from '../push/blob-name.js'

export interface Resolved {
  loaded: LoadedResource
  instanceName: string
  instance: InstanceConfig
  cs: CollectionSpaceClient
  accessionNumber: string
  object: CsObjectRef
}

export interface EarlyOutcome {
  outcome: Outcome
  detail: string
  instanceName: string | null
  accessionNumber?: string
  candidates?: CsObjectRef[]
}

export function fieldValue (fields: readonly FieldValue[], ref: FieldRef): string {
  return (fields.find(f => isField(f, ref))?.value ?? '').trim()
}

/** The name a pushed file gets in CS: the original filename's stem with the derivative's extension. */
export function pushedFilename (config: Config, fields: readonly FieldValue[], size: ImageSize, rsid: number): string {
  return blobName(fieldValue(fields, config.resourcespace.fields.originalFilename), size.extension, rsid)
}

/** Reads the resource once per action (its row and fields in parallel; only the fields when a search already gave its type). */
export async function loadResource (ctx: ActionContext): Promise<LoadedResource> {
  if (ctx.memo.loaded !== undefined) return ctx.memo.loaded
  const { rs } = ctx.services
  const { rsid } = ctx.req
  const known = ctx.memo.resourceType
  // RS answers field data even for a resource that does not exist, so only a resource RS has just
  // listed may skip reading its row.
  const loaded = known === undefined
    ? await rs.getResourceFields(rsid).then(({ resource, fields }) => ({ rsid, resourceType: resource.resourceType, fields }))
    : { rsid, resourceType: known, fields: await rs.getResourceFieldData(rsid) }
  ctx.memo.loaded = loaded
  return loaded
}

/** A resource whose instance and accession number are known, before its CS object is searched for. */
export type Unmatched = Omit<Resolved, 'object'>

export interface ResolveOptions {
  /** Called just before the CS search, to begin work that can go beside it (a push's download). */
  alongsideSearch?: (found: Unmatched) => void
}

export async function resolveObject (ctx: ActionContext, opts: ResolveOptions = {}): Promise<Resolved | EarlyOutcome> {
  const { config } = ctx.services
  const loaded = await loadResource(ctx)
  const instanceName = chooseInstance(config, loaded.resourceType, ctx.req.instance)
  if (instanceName === undefined) {
    return { outcome: 'no-instance', instanceName: null, detail: `resource type ${loaded.resourceType} is not linked to any CollectionSpace instance` }
  }
  ctx.memo.instanceName = instanceName
  const instance = config.instances[instanceName] as InstanceConfig
  const accessionNumber = accessionNumberOf(config, instance, loaded.fields)
  if (accessionNumber === undefined) {
    return { outcome: 'no-accession-number', instanceName, detail: 'the accession number field is empty and the original filename does not contain one' }
  }
  const cs = ctx.services.cs(instanceName)
  opts.alongsideSearch?.({ loaded, instanceName, instance, cs, accessionNumber })
  if (ctx.memo.match?.accessionNumber !== accessionNumber) {
    ctx.memo.match = { accessionNumber, result: await matchObject(cs, instance, accessionNumber) }
  }
  const match = ctx.memo.match.result
  if (match.kind === 'not-found') {
    return { outcome: 'not-found', instanceName, accessionNumber, detail: `accession number ${accessionNumber} matches no CollectionSpace object` }
  }
  if (match.kind === 'ambiguous') {
    return {
      outcome: 'ambiguous',
      instanceName,
      accessionNumber,
      candidates: match.candidates,
      detail: `accession number ${accessionNumber} matches ${match.candidates.length} CollectionSpace objects (${match.candidates.map(c => c.csid).join(', ')}); fix the number in CS or RS, then press again`
    }
  }
  return { loaded, instanceName, instance, cs, accessionNumber, object: match.object }
}

/**
 * The resource's image sizes, asked once per action. The promise is kept with a handler attached, so a
 * read started ahead of need (a push asks beside reading the resource) reports its failure to whoever
 * awaits it, and never as an unhandled rejection when nobody does (the action ended early).
 */
export function imageSizes (ctx: Pick<ActionContext, 'memo' | 'services' | 'req'>): Promise<ImageSize[]> {
  if (ctx.memo.sizes === undefined) {
    ctx.memo.sizes = ctx.services.rs.getResourceAllImageSizes(ctx.req.rsid)
    ctx.memo.sizes.catch(() => {})
  }
  return ctx.memo.sizes
}

export function isEarly (r: Resolved | EarlyOutcome): r is EarlyOutcome {
  return 'outcome' in r
}

/**
 * The instance for a resource: the one asked for, else the one whose resource types include the
 * resource's type, else the only one. `undefined` means no instance applies (answered as `no-instance`).
 */
export function chooseInstance (config: Config, resourceType: number, requested?: string): string | undefined {
  if (requested !== undefined) {
    requireInstance(config, requested)
    return requested
  }
  const names = Object.keys(config.instances)
  const byType = names.find(name => config.instances[name]?.resourceTypes.includes(resourceType))
  if (byType !== undefined) return byType
  return names.length === 1 ? names[0] : undefined
}

/** The accession number: the RS field when the instance reads it, else the original filename through the pattern. */
export function accessionNumberOf (config: Config, instance: InstanceConfig, fields: readonly FieldValue[]): string | undefined {
  if (instance.accessionNumber.fromField) {
    const fromField = fieldValue(fields, config.resourcespace.fields.accessionNumber)
    if (fromField !== '') return fromField
  }
  const filename = fieldValue(fields, config.resourcespace.fields.originalFilename)
  if (filename === '') return undefined
  const fromName = accessionFromFilename(instance, filename)?.trim()
  return fromName === undefined || fromName === '' ? undefined : fromName
}

/** Exactly one non-deleted object with exactly this number is a match; anything else is never guessed. */
export async function matchObject (cs: CollectionSpaceClient, instance: InstanceConfig, accessionNumber: string): Promise<ObjectMatch> {
  const found = (await cs.findObjectsByNumber(accessionNumber)).map(o => ({
    csid: o.csid,
    objectNumber: o.objectNumber,
    url: recordUrl(instance, o.csid),
    ...(o.title === undefined ? {} : { title: o.title })
  }))
  if (found.length === 0) return { kind: 'not-found' }
  if (found.length > 1) return { kind: 'ambiguous', candidates: found }
  return { kind: 'valid', object: found[0] as CsObjectRef }
}

export function recordUrl (instance: InstanceConfig, csid: string): string {
  return instance.cspace.recordUrl.replaceAll('{csid}', encodeURIComponent(csid))
}
