/**
 * The push itself, as a resumable sequence of steps. Each step's result (blob, media, each relation) is
 * stored in the link row before the next step starts, so a push interrupted anywhere continues from
 * where it stopped: no second blob, no media without relations, no one-way relation.
 *
 * When a link is being resumed, the step that was in flight may have succeeded in CS with its answer
 * lost ("fail after write"), so before repeating a create the step first looks for what it would have
 * made (blob by name and length, media by identification number, relation by its ends).
 */
import type { InstanceConfig } from '../config/schema.js'
import type { CollectionSpaceClient } from '../clients/collectionspace.js'
import type { ImageSize } from '../clients/resourcespace.js'
import type { LinkRow } from '../store/index.js'
import type { ActionContext } from '../actions/action-context.js'
import type { Resolved } from '../actions/resolve.js'
import { fieldValue } from '../actions/resource-context.js'
import { blobName } from './blob-name.js'
import { identificationKey, mediaFields, type MediaContext } from './media-fields.js'
import { HashingStream } from './hashing-stream.js'
import { discard, isProblem, openDerivative } from './derivative.js'

export type PushStepResult =
  | { kind: 'done', link: LinkRow, adopted: boolean }
  | { kind: 'no-derivative', problem: string }

interface Step {
  ctx: ActionContext
  resolved: Resolved
  size: ImageSize
  cs: CollectionSpaceClient
  instance: InstanceConfig
  media: MediaContext
  /** True when the link existed before this call: the previous attempt may have half-succeeded upstream. */
  resuming: boolean
}

/** Runs (or resumes) every CS step of a push up to `relations-created`. RS is told by the caller. */
export async function pushToCollectionSpace (ctx: ActionContext, resolved: Resolved, size: ImageSize, existing: LinkRow | undefined, force: boolean): Promise<PushStepResult> {
  const { store } = ctx.services
  const filename = blobName(fieldValue(resolved.loaded.fields, ctx.services.config.resourcespace.fields.originalFilename), size.extension, ctx.req.rsid)
  const version = existing === undefined ? 1 : (force && existing.step === 'done' ? existing.version + 1 : existing.version)
  const media: MediaContext = { rsid: ctx.req.rsid, size: size.sizeCode, accessionNumber: resolved.accessionNumber, filename, objectCsid: resolved.object.csid, version }
  const base = { ctx, resolved, size, cs: resolved.cs, instance: resolved.instance, media }

  let link: LinkRow
  let adopted = false
  if (existing !== undefined && existing.step !== 'done') {
    link = existing
  } else {
    // No unfinished link: CS may still hold this media from a push whose memory was lost; adopt it.
    const orphan = force ? undefined : await findMediaByKey(resolved.cs, identificationKey(resolved.instance, media))
    link = await store.links.start({
      rsid: ctx.req.rsid,
      instance: resolved.instanceName,
      size: size.sizeCode,
      objectCsid: resolved.object.csid,
      objectNumber: resolved.object.objectNumber,
      filename,
      contentType: null,
      transactionId: ctx.transactionId,
      version
    })
    if (orphan !== undefined) {
      adopted = true
      link = await store.links.update(link.id, { mediaCsid: orphan.csid, blobCsid: orphan.blobCsid ?? null, step: 'media-created' })
    }
  }
  // Only a continued (unfinished) or adopted link can have half-made records in CS. A forced new version
  // starts afresh: looking for "its" blob would find the previous version's (same name, same bytes).
  const step: Step = { ...base, resuming: link.id === existing?.id || adopted }

  if (link.step === 'started') {
    const moved = resolved.instance.derivative.transfer === 'blob-uri' ? await createMediaFromUri(step, link) : await uploadBlob(step, link)
    if (isProblem(moved)) return { kind: 'no-derivative', problem: moved.problem }
    link = moved
  }
  if (link.step === 'blob-created') link = await createMedia(step, link)
  if (link.step === 'media-created') link = await relate(step, link, 'object-media')
  if (link.step === 'relation-object-media') link = await relate(step, link, 'media-object')
  return { kind: 'done', link, adopted }
}

async function findMediaByKey (cs: CollectionSpaceClient, key: string): Promise<{ csid: string, blobCsid?: string | null } | undefined> {
  const found = await cs.findMedia({ identificationNumber: key })
  return found.find(m => m.identificationNumber === key && m.workflowState !== 'deleted')
}

/** Stream mode: bytes flow RS → spacelink → CS, hashed on the way, never held whole in memory. */
async function uploadBlob (s: Step, link: LinkRow): Promise<LinkRow | { problem: string }> {
  const { store } = s.ctx.services
  const download = await openDerivative(s.ctx.services.rs, s.size)
  if (isProblem(download)) return download
  if (s.resuming) {
    // Blobs that other links (earlier versions) already use are never this push's lost blob.
    const taken = new Set((await store.links.findByRsid(s.ctx.req.rsid)).filter(l => l.id !== link.id).map(l => l.blobCsid))
    const earlier = (await s.cs.findBlobs({ name: s.media.filename })).find(b => b.length === download.contentLength && !taken.has(b.csid))
    if (earlier !== undefined) {
      discard(download.body)
      return await store.links.update(link.id, { blobCsid: earlier.csid, byteLength: earlier.length ?? null, contentType: download.contentType, step: 'blob-created' })
    }
  }
  const hashing = new HashingStream(download.contentLength)
  download.body.on('error', err => hashing.destroy(err))
  const blobCsid = await s.cs.createBlob(download.body.pipe(hashing), { filename: s.media.filename, contentType: download.contentType, length: download.contentLength })
  const { sha256, md5 } = hashing.digests()
  return await store.links.update(link.id, { blobCsid, byteLength: hashing.byteLength, sha256, md5, contentType: download.contentType, step: 'blob-created' })
}

/** blob-uri mode: CS fetches the RS URL itself; the blob is then renamed from `download.php` to the file's name. */
async function createMediaFromUri (s: Step, link: LinkRow): Promise<LinkRow | { problem: string }> {
  const { store } = s.ctx.services
  // Check the URL answers the real image before CS is told to fetch it (CS would store a placeholder as well).
  const probe = await openDerivative(s.ctx.services.rs, s.size)
  if (isProblem(probe)) return probe
  discard(probe.body)
  const key = identificationKey(s.instance, s.media)
  const earlier = s.resuming ? await findMediaByKey(s.cs, key) : undefined
  const mediaCsid = earlier?.csid ?? await s.cs.createMedia(mediaFields(s.instance, s.media), { blobUri: s.size.url })
  const blobCsid = earlier?.blobCsid ?? (await s.cs.getMedia(mediaCsid)).blobCsid ?? null
  if (blobCsid !== null) await s.cs.renameBlob(blobCsid, s.media.filename)
  return await store.links.update(link.id, { mediaCsid, blobCsid, byteLength: probe.contentLength ?? null, contentType: probe.contentType, step: 'media-created' })
}

async function createMedia (s: Step, link: LinkRow): Promise<LinkRow> {
  const key = identificationKey(s.instance, s.media)
  const earlier = s.resuming ? await findMediaByKey(s.cs, key) : undefined
  const mediaCsid = earlier?.csid ?? await s.cs.createMedia({ ...mediaFields(s.instance, s.media), 'media_common/blobCsid': link.blobCsid ?? '' })
  return await s.ctx.services.store.links.update(link.id, { mediaCsid, step: 'media-created' })
}

/** Relations in both directions: object → media shows the image on the object, media → object the reverse. */
async function relate (s: Step, link: LinkRow, direction: 'object-media' | 'media-object'): Promise<LinkRow> {
  const objectCsid = s.resolved.object.csid
  const mediaCsid = link.mediaCsid as string
  const [subjectCsid, subjectDocumentType, objectEnd, objectDocumentType] = direction === 'object-media'
    ? [objectCsid, 'CollectionObject', mediaCsid, 'Media']
    : [mediaCsid, 'Media', objectCsid, 'CollectionObject']
  const earlier = s.resuming ? (await s.cs.listRelations({ sbj: subjectCsid, obj: objectEnd, prd: 'affects' }))[0] : undefined
  const csid = earlier?.csid ?? await s.cs.createRelation({ subjectCsid, subjectDocumentType, objectCsid: objectEnd, objectDocumentType, predicate: 'affects' })
  return await s.ctx.services.store.links.update(link.id, direction === 'object-media'
    ? { relationObjectMediaCsid: csid, step: 'relation-object-media' }
    : { relationMediaObjectCsid: csid, step: 'relations-created' })
}
