/**
 * validate-cspace-id's core, shared by every action that needs the CS object: load the resource, choose
 * the instance, read the accession number and match exactly one non-deleted CS object. An early outcome
 * (no instance, no number, not found, ambiguous) comes back as a finished result for the handler to report.
 */
import type { InstanceConfig } from '../config/schema.js'
import type { CollectionSpaceClient } from '../clients/collectionspace.js'
import type { ActionContext } from './action-context.js'
import { accessionNumberOf, chooseInstance, matchObject, type LoadedResource } from './resource-context.js'
import type { CsObjectRef } from './types.js'
import type { Outcome } from './outcome.js'

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
  message: string
  instanceName: string | null
  accessionNumber?: string
  candidates?: Array<{ csid: string, objectNumber: string }>
}

export async function loadResource (ctx: ActionContext): Promise<LoadedResource> {
  if (ctx.memo.loaded === undefined) {
    const { rs } = ctx.services
    const { rsid } = ctx.req
    const known = ctx.memo.resourceType
    // RS answers field data even for a resource that does not exist, so only a row RS has just listed
    // (its type known from the search) may skip reading the row itself.
    ctx.memo.loaded = known === undefined
      ? { rsid, ...await rs.getResourceFields(rsid) }
      : { rsid, resource: { ref: rsid, resourceType: known }, fields: await rs.getResourceFieldData(rsid) }
  }
  return ctx.memo.loaded
}

export async function resolveObject (ctx: ActionContext): Promise<Resolved | EarlyOutcome> {
  const { config } = ctx.services
  const loaded = await loadResource(ctx)
  const instanceName = chooseInstance(config, loaded.resource.resourceType, ctx.req.instance)
  if (instanceName === undefined) {
    return { outcome: 'no-instance', instanceName: null, message: `resource type ${loaded.resource.resourceType} is not linked to any CollectionSpace instance` }
  }
  const instance = config.instances[instanceName] as InstanceConfig
  const accessionNumber = accessionNumberOf(config, instance, loaded.fields)
  if (accessionNumber === undefined) {
    return { outcome: 'no-accession-number', instanceName, message: 'no accession number: the accession number field is empty and the original filename does not contain one' }
  }
  const cs = ctx.services.cs(instanceName)
  if (ctx.memo.match?.accessionNumber !== accessionNumber) {
    ctx.memo.match = { accessionNumber, result: await matchObject(cs, instance, accessionNumber) }
  }
  const match = ctx.memo.match.result
  if (match.kind === 'not-found') {
    return { outcome: 'not-found', instanceName, accessionNumber, message: `accession number ${accessionNumber} matches no CollectionSpace object` }
  }
  if (match.kind === 'ambiguous') {
    return {
      outcome: 'ambiguous',
      instanceName,
      accessionNumber,
      candidates: match.candidates,
      message: `accession number ${accessionNumber} matches ${match.candidates.length} CollectionSpace objects (${match.candidates.map(c => c.csid).join(', ')})`
    }
  }
  return { loaded, instanceName, instance, cs, accessionNumber, object: match.object }
}

export function isEarly (r: Resolved | EarlyOutcome): r is EarlyOutcome {
  return 'outcome' in r
}
