/**
 * What a button would do, found out without doing it: the confirmation page shows it before the person
 * presses. It reads what the action would read — the resource and its fields, its thumbnail, the CS
 * object the accession number matches, the mapped values — and writes nothing anywhere: no RS field, no
 * CS record, and no transaction (a dry run would record one). The same resolve and mapping code as the
 * real action, so the page promises what the press will do.
 */
import type { Config, FieldRef, InstanceConfig } from '../config/schema.js'
import type { FieldValue, ImageSize } from '../clients/resourcespace.js'
import { isField } from '../clients/rs-fields.js'
import { chooseSize, isDerivativeProblem } from '../push/derivative.js'
import type { Services } from './context.js'
import { mappedMetadata } from './metadata.js'
import { accessionNumberOf, chooseInstance, matchObject, recordUrl, type EarlyOutcome, type Resolved } from './resolve.js'
import { revertPlan } from './revert-plan.js'
import { RsWriter } from './rs-writer.js'
import type { ActionRequest, CsObjectRef, RefusedValue } from './types.js'

/** One RS field the action would write: its title, what it holds now and what it would hold. */
export interface PlannedWrite {
  field: string
  title: string
  current: string
  value: string
  /** Said instead of a value that is only known once the action runs (the status sentence). */
  description?: string
}

export interface ResourceSummary {
  rsid: number
  title?: string
  resourceType: number
  resourceTypeName?: string
  originalFilename?: string
  thumbnailUrl?: string
}

export interface ActionPreview {
  resource?: ResourceSummary
  instance?: string
  accessionNumber?: string
  /** The one CS object the action would use. */
  object?: CsObjectRef
  /** Where the action would stop before its work (not found, ambiguous, …), with the candidates. */
  early?: EarlyOutcome
  writes: PlannedWrite[]
  refused: RefusedValue[]
  /** push: the derivative that would be sent, and the media it is already in CS as. */
  derivative?: { size: string, width?: number, height?: number, pushedAs?: string } | { problem: string }
  /** push-resource-group: the group's value and its members. */
  group?: { value: string, members: number[] }
  /** revert: the transaction whose writes would be undone. */
  revert?: { transactionId: string, found: boolean, /** Fields changed in RS since the transaction: the press answers `conflict`. */ changedSince?: string[] }
  /** Why the preview is incomplete (RS or CS did not answer): the button may still work. */
  unavailable?: string
}

/** RS's title field: `$view_title_field`, 8 in every RS installation unless changed. */
const rsTitleField = 8

type PreviewRequest = Pick<ActionRequest, 'rsid' | 'queryType' | 'instance' | 'size' | 'transaction'>

export async function previewAction (services: Services, req: PreviewRequest): Promise<ActionPreview> {
  const preview: ActionPreview = { writes: [], refused: [] }
  try {
    await fill(services, req, preview)
  } catch (err) {
    services.log.warn({ err, rsid: req.rsid }, 'confirmation page: could not look the resource up')
    preview.unavailable = err instanceof Error ? err.message : String(err)
  }
  return preview
}

async function fill (services: Services, req: PreviewRequest, preview: ActionPreview): Promise<void> {
  const { rs, config } = services
  const [{ resource, fields }, sizes, typeNames] = await Promise.all([
    rs.getResourceFields(req.rsid),
    rs.getResourceAllImageSizes(req.rsid),
    rs.getResourceTypes().catch(() => new Map<number, string>())
  ])
  const value = (ref: FieldRef): string => (fields.find(f => isField(f, ref))?.value ?? '').trim()
  const title = value(rsTitleField) || resource.columns[rsTitleField] || value('title')
  const thumbnail = sizes.find(s => s.sizeCode === 'thm') ?? sizes.find(s => s.sizeCode === 'pre')
  preview.resource = {
    rsid: req.rsid,
    resourceType: resource.resourceType,
    ...(title === '' || title === undefined ? {} : { title }),
    ...(typeNames.has(resource.resourceType) ? { resourceTypeName: typeNames.get(resource.resourceType) } : {}),
    ...(value(config.resourcespace.fields.originalFilename) === '' ? {} : { originalFilename: value(config.resourcespace.fields.originalFilename) }),
    ...(thumbnail === undefined ? {} : { thumbnailUrl: thumbnail.url })
  }
  if (req.queryType === 'status') return
  if (req.queryType === 'revert') {
    await planRevert(services, req, fields, preview)
    return
  }

  const instanceName = chooseInstance(config, resource.resourceType, req.instance)
  if (instanceName === undefined) {
    preview.early = { outcome: 'no-instance', instanceName: null, detail: `resource type ${resource.resourceType} is not linked to any CollectionSpace instance` }
    preview.writes.push(statusWrite(config, fields, 'no-instance'))
    return
  }
  preview.instance = instanceName
  const instance = config.instances[instanceName] as InstanceConfig
  const accessionNumber = accessionNumberOf(config, instance, fields)
  if (accessionNumber === undefined) {
    preview.early = { outcome: 'no-accession-number', instanceName, detail: 'the accession number field is empty and the original filename does not contain one' }
    preview.writes.push(statusWrite(config, fields, 'no-accession-number'))
    return
  }
  preview.accessionNumber = accessionNumber
  const cs = services.cs(instanceName)
  const match = await matchObject(cs, instance, accessionNumber)
  if (match.kind !== 'valid') {
    preview.early = match.kind === 'ambiguous'
      ? { outcome: 'ambiguous', instanceName, accessionNumber, candidates: match.candidates, detail: `accession number ${accessionNumber} matches ${match.candidates.length} CollectionSpace objects` }
      : { outcome: 'not-found', instanceName, accessionNumber, detail: `accession number ${accessionNumber} matches no CollectionSpace object` }
    preview.writes.push(statusWrite(config, fields, preview.early.outcome))
    return
  }
  preview.object = match.object

  if (req.queryType !== 'validate-cspace-id') {
    const loaded = { rsid: req.rsid, resourceType: resource.resourceType, fields }
    const resolved: Resolved = { loaded, instanceName, instance, cs, accessionNumber, object: match.object }
    const scratch = { memo: {}, details: { raw: null, mapped: null }, writer: readOnlyWriter(services, req.rsid, fields) }
    const { changes, refused } = await mappedMetadata(scratch, resolved)
    preview.writes.push(...changes.map(c => ({ field: c.field, title: c.title ?? c.field, current: c.previous, value: c.value })))
    preview.refused = refused
  }
  if (req.queryType === 'push-resource' || req.queryType === 'push-resource-group') {
    preview.derivative = await plannedDerivative(services, req, instanceName, instance.derivative.sizes, sizes)
  }
  if (req.queryType === 'push-resource-group') {
    const groupRef = config.resourcespace.fields.group
    const groupValue = groupRef === undefined ? '' : value(groupRef)
    const hits = groupRef === undefined || groupValue === '' ? [] : await rs.findByExactValue(groupRef, groupValue, { restypes: instance.resourceTypes })
    preview.group = { value: groupValue, members: [...new Set([req.rsid, ...hits.map(h => h.ref)])].sort((a, b) => a - b) }
  }
  const url = recordUrl(instance, match.object.csid)
  const owned = ownedWrite(config.resourcespace.fields.cspaceUrl, fields, url)
  if (owned !== undefined) preview.writes.push(owned)
  preview.writes.push(statusWrite(config, fields))
  if (req.queryType === 'push-resource' || req.queryType === 'push-resource-group') {
    const synced = ownedWrite(config.resourcespace.fields.synced, fields, 'true')
    if (synced !== undefined && !('problem' in (preview.derivative ?? {}))) preview.writes.push(synced)
  }
}

/** The derivative a push would send, and whether a finished push of it already exists. */
async function plannedDerivative (
  services: Services,
  req: PreviewRequest,
  instanceName: string,
  preference: string[],
  sizes: ImageSize[]
): Promise<ActionPreview['derivative']> {
  const size = chooseSize(sizes, preference, req.size)
  if (isDerivativeProblem(size)) return { problem: size.problem }
  const existing = await services.store.links.findCurrent(req.rsid, instanceName, size.sizeCode)
  return {
    size: size.sizeCode,
    ...(size.width === undefined ? {} : { width: size.width }),
    ...(size.height === undefined ? {} : { height: size.height }),
    ...(existing?.step === 'done' && existing.mediaCsid !== null ? { pushedAs: existing.mediaCsid } : {})
  }
}

/** revert: what the press would do, from the same plan the action follows (a field changed since is a conflict). */
async function planRevert (services: Services, req: PreviewRequest, fields: FieldValue[], preview: ActionPreview): Promise<void> {
  const id = req.transaction ?? ''
  const target = id === '' ? undefined : await services.store.transactions.get(id)
  preview.revert = { transactionId: id, found: target !== undefined && target.rsid === req.rsid }
  if (target === undefined || target.rsid !== req.rsid) return
  const { pending, changedSince } = revertPlan(services.config.resourcespace.fields, target.rsWrites, fields)
  if (changedSince.length > 0) {
    preview.revert.changedSince = changedSince.map(e => e.title ?? e.field)
    return
  }
  preview.writes.push(...pending.map(e => ({ field: e.field, title: e.title ?? e.field, current: e.current, value: e.previous })))
}

function ownedWrite (ref: FieldRef, fields: FieldValue[], value: string): PlannedWrite | undefined {
  const field = fields.find(f => isField(f, ref))
  if (field === undefined || field.value.trim() === value.trim()) return undefined
  return { field: field.name || String(field.ref), title: field.title || field.name || String(field.ref), current: field.value.trim(), value }
}

/** The status sentence: its words are known only once the action ran; `outcome` when it is known already. */
function statusWrite (config: Config, fields: FieldValue[], outcome?: string): PlannedWrite {
  const ref = config.resourcespace.fields.status
  const field = fields.find(f => isField(f, ref))
  return {
    field: field?.name || String(ref),
    title: field?.title || field?.name || String(ref),
    current: (field?.value ?? '').trim(),
    value: '',
    description: outcome === undefined ? 'what happened, with the date and time' : `${outcome}, with the date and time`
  }
}

/** A writer whose only use here is `prepare` (which values differ and which RS would keep); it cannot write. */
function readOnlyWriter (services: Services, rsid: number, fields: FieldValue[]): RsWriter {
  const refuse = async (): Promise<never> => { throw new Error('a preview writes nothing') }
  return new RsWriter({
    rsid,
    transactionId: 'preview',
    dryRun: true,
    owned: services.config.resourcespace.fields,
    loaded: () => fields,
    rs: { updateField: refuse, refusal: async (field, value) => await services.rs.refusal(field, value) },
    transactions: { recordRsWrites: refuse, markRsWritesDone: refuse },
    unfinished: { begin: refuse, finish: refuse },
    log: services.log,
    now: services.now
  })
}
