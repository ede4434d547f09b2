/**
 * The push itself, as a resumable sequence of steps. Each step's result (blob, media, each relation) is
 * stored in the link row before the next step starts (the two relations are made at once, and stored
 * together when both have answered), so a push interrupted anywhere continues from where it stopped: no
 * second blob, no media without relations, no one-way relation.
 *
 * When a link is resumed, the step that was in flight may have succeeded in CS with its answer lost
 * ("fail after write"), so before repeating a create the step looks for what it would have made. What
 * it finds is adopted only when it is provably this push's: a blob whose content digest (CS's
 * `blobs_common/digest`, the MD5 of the bytes) equals the MD5 of the bytes this push sent or would send
 * — a name and a length are not proof (two resources' `IMG_0001.tif` can have equal lengths) — and a
 * media record that points at this push's blob. A push that finds a media record left by a push whose
 * memory was lost adopts it only if its blob holds the same bytes as RS's derivative now.
 */
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Logger } from 'pino'
import type { InstanceConfig } from '../config/schema.js'
import type { CollectionSpaceClient, MediaSummary } from '../clients/collectionspace.js'
import type { ImageSize, ResourceSpaceClient } from '../clients/resourcespace.js'
import type { LinkRepo, LinkRow } from '../store/index.js'
import { identificationKey, mediaFields, type MediaContext } from './media-fields.js'
import { HashingStream } from './hashing-stream.js'
import { firstFailure } from '../util/concurrency.js'
import { abandon, discard, isDerivativeProblem, openAhead, openDerivative, type DerivativeProblem, type OpenDerivative } from './derivative.js'

/** Everything one push needs, and nothing else: no action context, no request. */
export interface PushJob {
  rsid: number
  instanceName: string
  instance: InstanceConfig
  object: { csid: string, objectNumber: string }
  accessionNumber: string
  /** The name the blob gets in CS (the original filename's stem with the derivative's extension). */
  filename: string
  size: ImageSize
  /** The link of this resource, instance and size with the highest version, if any. */
  existing: LinkRow | undefined
  /** Push a new version even though the current one is done (`force`, or its media was deleted in CS). */
  newVersion: boolean
  transactionId: string
  cs: CollectionSpaceClient
  rs: Pick<ResourceSpaceClient, 'download'>
  links: LinkRepo
  log: Pick<Logger, 'warn'>
  /** What the action began for this push before it took the lock (src/actions/push-ahead.ts), if anything. */
  ahead?: StartedAhead
}

/**
 * A first push's slow starts, begun before the resource lock, beside the CS search: the download (stream
 * mode), and the search for media with version 1's identification key (unless the key names the object).
 */
export interface StartedAhead {
  sizeCode: string
  opened?: Promise<OpenDerivative | DerivativeProblem>
  orphans?: Promise<MediaSummary[]>
}

export type PushResult =
  | { kind: 'done', link: LinkRow, adopted: boolean }
  | { kind: 'no-derivative', problem: string }

/** Runs (or resumes) every CS step of a push up to `relations-created`. RS is told by the caller. */
export async function runPush (job: PushJob): Promise<PushResult> {
  const { existing } = job
  let link: LinkRow
  let adopted = false
  /** The download, opened ahead of the upload (stream mode, a new link); whoever does not use it discards it. */
  let opened: Promise<OpenDerivative | DerivativeProblem> | undefined
  if (existing !== undefined && existing.step !== 'done') {
    link = existing
  } else {
    const version = existing === undefined ? 1 : existing.version + 1
    const media = mediaContext(job, version)
    // No unfinished link: CS may still hold this media from a push whose memory was lost (the database
    // reset or restored from before the push); adopt it if its bytes are RS's. A store that lost its
    // memory looks exactly like one that never pushed this resource, so the search cannot be skipped on
    // the store's word. It costs no round trip of its own instead: the download is opened beside it
    // (a read, harmless to abandon), and only the upload, which would make a second blob, waits for it.
    // A first push began both before the lock, beside the CS search (job.ahead).
    if (job.instance.derivative.transfer !== 'blob-uri') opened = job.ahead?.opened ?? openAhead(job.rs, job.size)
    let orphan: { csid: string, blobCsid?: string } | undefined
    try {
      orphan = job.newVersion ? undefined : await findOrphan(job, identificationKey(job.instance, media))
      link = await job.links.start({
        rsid: job.rsid,
        instance: job.instanceName,
        size: job.size.sizeCode,
        objectCsid: job.object.csid,
        objectNumber: job.object.objectNumber,
        filename: job.filename,
        contentType: null,
        transactionId: job.transactionId,
        version
      })
    } catch (err) {
      abandon(opened)
      throw err
    }
    if (orphan !== undefined) {
      // Its bytes are compared with RS's through the download already open.
      const verdict = await sameBytesAsRs(job, orphan.blobCsid, opened)
      opened = undefined
      if (isDerivativeProblem(verdict)) return { kind: 'no-derivative', problem: verdict.problem }
      if (verdict.same) {
        adopted = true
        link = await job.links.update(link.id, { mediaCsid: orphan.csid, blobCsid: orphan.blobCsid ?? null, md5: verdict.md5, step: 'media-created' })
      } else {
        job.log.warn({ media: orphan.csid, rsid: job.rsid }, 'CS holds a media record with this push\'s identification number but other bytes: not adopted')
      }
    }
  }
  // Only a continued (unfinished) or adopted link can have half-made records in CS. A new version starts
  // afresh: looking for "its" blob would find the previous version's.
  const resuming = link.id === existing?.id || adopted
  if (link.step === 'started') {
    const download = opened
    opened = undefined
    const moved = job.instance.derivative.transfer === 'blob-uri' ? await createMediaFromUri(job, link, resuming) : await uploadBlob(job, link, resuming, download)
    if (isDerivativeProblem(moved)) return { kind: 'no-derivative', problem: moved.problem }
    link = moved
  }
  abandon(opened)
  if (link.step === 'blob-created') link = await createMedia(job, link, resuming)
  if (link.step === 'media-created' || link.step === 'relation-object-media') link = await relateBoth(job, link, resuming)
  return { kind: 'done', link, adopted }
}

/**
 * The download opened ahead while it is still readable, else a new one: also when opening it failed, since
 * it was opened before the CS search and the wait for the lock, and RS may answer by now.
 */
async function openedOrNew (job: PushJob, opened?: Promise<OpenDerivative | DerivativeProblem>): Promise<OpenDerivative | DerivativeProblem> {
  const early = await opened?.catch(() => undefined)
  if (early !== undefined && (isDerivativeProblem(early) || !early.body.destroyed)) return early
  return await openDerivative(job.rs, job.size)
}

function mediaContext (job: PushJob, version: number): MediaContext {
  return { rsid: job.rsid, size: job.size.sizeCode, accessionNumber: job.accessionNumber, filename: job.filename, objectCsid: job.object.csid, version }
}

async function findMediaByKey (cs: CollectionSpaceClient, key: string): Promise<{ csid: string, blobCsid?: string } | undefined> {
  return (await cs.findMedia({ identificationNumber: key }))[0]
}

/**
 * Media with this push's key that no link records. A search made before the lock that found nothing is
 * trusted: it is made only for a key naming this resource and size (media-fields.ts), a push that made
 * such media since would have stored its link first, and the caller found none.
 * A record it did find is asked for again here, under the lock, where adoption is decided (a person may
 * have deleted it meanwhile); a search that failed is made again.
 */
async function findOrphan (job: PushJob, key: string): Promise<{ csid: string, blobCsid?: string } | undefined> {
  const early = await job.ahead?.orphans?.catch(() => undefined)
  if (early?.length === 0) return undefined
  return await findMediaByKey(job.cs, key)
}

/** Stream mode: bytes flow RS → spacelink → CS, hashed on the way, never held whole in memory. */
async function uploadBlob (
  job: PushJob,
  link: LinkRow,
  resuming: boolean,
  opened?: Promise<OpenDerivative | DerivativeProblem>
): Promise<LinkRow | DerivativeProblem> {
  if (resuming) {
    abandon(opened)
    opened = undefined
    const earlier = await findOwnBlob(job, link)
    if (isDerivativeProblem(earlier)) return earlier
    if (earlier !== undefined) {
      return await job.links.update(
        link.id,
        { blobCsid: earlier.csid, byteLength: earlier.length, md5: earlier.md5, step: 'blob-created' }
      )
    }
  }
  const download = await openedOrNew(job, opened)
  if (isDerivativeProblem(download)) return download
  const hashing = new HashingStream(download.contentLength)
  download.body.on('error', err => hashing.destroy(err))
  let blobCsid: string
  try {
    blobCsid = await job.cs.createBlob(
      download.body.pipe(hashing),
      { filename: job.filename, contentType: download.contentType, length: download.contentLength }
    )
  } catch (err) {
    // The answer may be lost after CS stored every byte: remember what was sent, so a resumed push can
    // recognise that blob by its digest.
    if (hashing.byteLength === download.contentLength) {
      await job.links.update(
        link.id,
        { ...hashing.digests(), byteLength: hashing.byteLength, contentType: download.contentType }
      )
    }
    throw err
  }
  return await job.links.update(
    link.id,
    { blobCsid, byteLength: hashing.byteLength, ...hashing.digests(), contentType: download.contentType, step: 'blob-created' }
  )
}

/**
 * A blob an earlier attempt of this link may have created: same name, not used by another link, and the
 * same digest as the bytes that attempt sent (recorded on the link) or, if it did not get that far, as the
 * bytes RS serves now.
 */
async function findOwnBlob (job: PushJob, link: LinkRow): Promise<{ csid: string, length: number | null, md5: string } | undefined | DerivativeProblem> {
  const taken = new Set((await job.links.findByRsid(job.rsid)).filter(l => l.id !== link.id).map(l => l.blobCsid))
  const named = (await job.cs.findBlobs({ name: job.filename })).filter(b => !taken.has(b.csid))
  if (named.length === 0) return undefined
  let md5 = link.md5
  if (md5 === null) {
    const hashed = await hashDerivative(job)
    if (isDerivativeProblem(hashed)) return hashed
    md5 = hashed.md5
  }
  for (const candidate of named) {
    const blob = await job.cs.getBlob(candidate.csid)
    if (blob.digest?.toLowerCase() === md5) return { csid: candidate.csid, length: blob.length ?? null, md5 }
  }
  return undefined
}

/** Whether a blob holds the bytes RS serves for this derivative now (and their MD5). */
async function sameBytesAsRs (
  job: PushJob,
  blobCsid: string | undefined,
  opened?: Promise<OpenDerivative | DerivativeProblem>
): Promise<{ same: boolean, md5: string } | DerivativeProblem> {
  const hashed = await hashDerivative(job, opened)
  if (isDerivativeProblem(hashed)) return hashed
  if (blobCsid === undefined) return { same: false, md5: hashed.md5 }
  const blob = await job.cs.getBlob(blobCsid)
  return { same: blob.digest?.toLowerCase() === hashed.md5, md5: hashed.md5 }
}

/** Reads the derivative through the hash without sending it anywhere. */
async function hashDerivative (job: PushJob, opened?: Promise<OpenDerivative | DerivativeProblem>): Promise<{ md5: string } | DerivativeProblem> {
  const download = await openedOrNew(job, opened)
  if (isDerivativeProblem(download)) return download
  const hashing = new HashingStream(download.contentLength)
  download.body.on('error', err => hashing.destroy(err))
  // Only the digest is wanted: the bytes are read through the hash into nothing.
  await pipeline(download.body, hashing, new Writable({ write (_chunk, _enc, next) { next() } }))
  return { md5: hashing.digests().md5 }
}

/** blob-uri mode: CS fetches the RS URL itself; the blob is then renamed from `download.php` to the file's name. */
async function createMediaFromUri (job: PushJob, link: LinkRow, resuming: boolean): Promise<LinkRow | DerivativeProblem> {
  // Check the URL answers the real image before CS is told to fetch it (CS would store a placeholder as well).
  const probe = await openDerivative(job.rs, job.size)
  if (isDerivativeProblem(probe)) return probe
  discard(probe.body)
  const key = identificationKey(job.instance, mediaContext(job, link.version))
  // The identification number names this resource and size, so a media record found by it is this push's.
  const earlier = resuming ? await findMediaByKey(job.cs, key) : undefined
  const mediaCsid = earlier?.csid ?? await job.cs.createMedia(mediaFields(job.instance, mediaContext(job, link.version)), { blobUri: job.size.url })
  const blobCsid = earlier?.blobCsid ?? (await job.cs.getMedia(mediaCsid)).blobCsid ?? null
  if (blobCsid !== null) await job.cs.renameBlob(blobCsid, job.filename)
  return await job.links.update(
    link.id,
    { mediaCsid, blobCsid, byteLength: probe.contentLength ?? null, contentType: probe.contentType, step: 'media-created' }
  )
}

async function createMedia (job: PushJob, link: LinkRow, resuming: boolean): Promise<LinkRow> {
  const media = mediaContext(job, link.version)
  // A media record an earlier attempt made for this link points at this link's blob; any other is not ours.
  const found = resuming ? await job.cs.findMedia({ identificationNumber: identificationKey(job.instance, media) }) : []
  const earlier = found.find(m => m.blobCsid === link.blobCsid)
  const mediaCsid = earlier?.csid ?? await job.cs.createMedia({ ...mediaFields(job.instance, media), 'media_common/blobCsid': link.blobCsid ?? '' })
  return await job.links.update(link.id, { mediaCsid, step: 'media-created' })
}

/**
 * Relations in both directions, created at once: object → media shows the image on the object, media →
 * object the reverse. Their csids are stored on the link when both have settled (one statement), so a
 * push stopped between them makes only the missing one next time (looking first for one whose answer was
 * lost); the link moves to `relations-created` once both are there.
 */
async function relateBoth (job: PushJob, link: LinkRow, resuming: boolean): Promise<LinkRow> {
  const [objectMedia, mediaObject] = await Promise.allSettled([
    link.relationObjectMediaCsid ?? relate(job, link, 'object-media', resuming),
    link.relationMediaObjectCsid ?? relate(job, link, 'media-object', resuming)
  ])
  // Both recorded in one statement, and whichever was made is kept when the other failed, so a resumed
  // push makes only the missing one. A crash before this line leaves a relation unrecorded: the resumed
  // push finds it by its subject and object (`relate` with `resuming`).
  const made = {
    ...(objectMedia.status === 'fulfilled' && { relationObjectMediaCsid: objectMedia.value }),
    ...(mediaObject.status === 'fulfilled' && { relationMediaObjectCsid: mediaObject.value })
  }
  const failed = firstFailure([objectMedia, mediaObject])
  if (failed === undefined) return await job.links.update(link.id, { ...made, step: 'relations-created' })
  if (Object.keys(made).length > 0) await job.links.update(link.id, made)
  throw failed.reason
}

/** One relation: the csid of the one found (when resuming) or made. */
async function relate (job: PushJob, link: LinkRow, direction: 'object-media' | 'media-object', resuming: boolean): Promise<string> {
  const objectCsid = job.object.csid
  const mediaCsid = link.mediaCsid as string
  const [subjectCsid, subjectDocumentType, objectEnd, objectDocumentType] = direction === 'object-media'
    ? [objectCsid, 'CollectionObject', mediaCsid, 'Media']
    : [mediaCsid, 'Media', objectCsid, 'CollectionObject']
  const earlier = resuming ? (await job.cs.listRelations({ sbj: subjectCsid, obj: objectEnd, prd: 'affects' }))[0] : undefined
  return earlier?.csid ?? await job.cs.createRelation({
    subjectCsid,
    subjectDocumentType,
    objectCsid: objectEnd,
    objectDocumentType,
    predicate: 'affects'
  })
}
