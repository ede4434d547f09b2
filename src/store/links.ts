/**
 * Links: which RS resource derivative became which CS blob, media record and relations. They are the source
 * of idempotency (a second push finds the link and answers with it) and of crash recovery (each step's result
 * is recorded before the next step starts, so an interrupted push resumes where it stopped). Links are never
 * pruned.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely'
import { SpacelinkError } from '../errors.js'
import { nowIso, pageWindow, toNullableNumber, type Page, type PageRequest } from './columns.js'
import { isUniqueViolation, type Engine } from './database.js'
import { appendEvent, latestEventOf, lockHistory, nextEventSlot, normalisedTime } from './link-events.js'
import type { Database, LinksTable } from './schema.js'

export type LinkStep = 'started' | 'blob-created' | 'media-created' | 'relation-object-media' | 'relations-created' | 'rs-updated' | 'done'

export const linkSteps: readonly LinkStep[] = ['started', 'blob-created', 'media-created', 'relation-object-media', 'relations-created', 'rs-updated', 'done']

export interface LinkRow {
  id: string
  rsid: number
  instance: string
  size: string
  /** 1 for the first push; a forced re-push creates version 2, 3… */
  version: number
  objectCsid: string
  objectNumber: string
  blobCsid: string | null
  mediaCsid: string | null
  relationObjectMediaCsid: string | null
  relationMediaObjectCsid: string | null
  byteLength: number | null
  sha256: string | null
  md5: string | null
  filename: string | null
  contentType: string | null
  step: LinkStep
  transactionId: string | null
  createdAt: string
  updatedAt: string
  /** When the link first reached `done` (the time of its `created`/`updated` event); null before. */
  doneAt: string | null
  /** When spacelink found this link's CS media deleted (markMediaDeleted); null while it is there. */
  mediaDeletedAt: string | null
}

export interface NewLink {
  rsid: number
  instance: string
  size: string
  objectCsid: string
  objectNumber: string
  filename?: string | null
  contentType?: string | null
  transactionId?: string | null
  /** Default 1. */
  version?: number
}

export type LinkPatch = Partial<Pick<LinkRow,
  'objectCsid' | 'objectNumber' | 'blobCsid' | 'mediaCsid' | 'relationObjectMediaCsid' | 'relationMediaObjectCsid' |
  'byteLength' | 'sha256' | 'md5' | 'filename' | 'contentType' | 'step' | 'transactionId'>>

export type LinkSortField = 'createdAt' | 'updatedAt' | 'rsid'

export interface LinkFilter extends PageRequest {
  rsid?: number
  instance?: string
  step?: LinkStep
  /** Default: newest first. */
  sort?: { field: LinkSortField, dir: 'asc' | 'desc' }
}

export interface LinkRepo {
  /** The highest version for this resource, instance and derivative. */
  findCurrent (rsid: number, instance: string, size: string): Promise<LinkRow | undefined>
  /** Every link of a resource, by instance, size and version. */
  findByRsid (rsid: number): Promise<LinkRow[]>
  get (id: string): Promise<LinkRow | undefined>
  /** Inserts a link at step `started`; throws LinkExistsError when that (rsid, instance, size, version) exists. */
  start (l: NewLink): Promise<LinkRow>
  /**
   * Records a step's results; throws LINK_NOT_FOUND for an unknown id. The move to `done` also appends the
   * resource's `created` event (or `updated`, when an earlier version is published) to the link history,
   * in the same transaction.
   */
  update (id: string, patch: LinkPatch): Promise<LinkRow>
  /**
   * Records that CollectionSpace no longer has this link's media (found at `at`, default now). When the
   * link is the resource's published version, the history gets a `deleted` event in the same transaction,
   * and ResourceSync stops listing the resource until a new version is done. Idempotent: a link already
   * marked is returned unchanged. Throws LINK_NOT_FOUND for an unknown id.
   */
  markMediaDeleted (id: string, at?: string): Promise<LinkRow>
  list (f: LinkFilter): Promise<Page<LinkRow>>
  /** Completed links of an instance in id order, `limit` at a time after `afterId`. */
  listDone (f: { instance: string, afterId?: string, limit: number }): Promise<LinkRow[]>
  countDone (instance: string): Promise<number>
  /** Links of an instance whose push stopped before `done` (a crash, an upstream error): the nightly run resumes them. */
  unfinished (instance: string): Promise<LinkRow[]>
}

/** Another caller already created this link (same rsid, instance, size and version). */
export class LinkExistsError extends SpacelinkError {
  constructor (l: { rsid: number, instance: string, size: string, version: number }, cause?: unknown) {
    super('LINK_EXISTS', 409, 'Link already exists',
      `resource ${l.rsid} already has a '${l.size}' link (version ${l.version}) to instance ${l.instance}`,
      { rsid: l.rsid, instance: l.instance, size: l.size, version: l.version }, { cause })
    this.name = 'LinkExistsError'
  }
}

const sortColumns = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  rsid: 'rsid'
} as const satisfies Record<LinkSortField, keyof LinksTable>

function linkNotFound (id: string): SpacelinkError {
  return new SpacelinkError('LINK_NOT_FOUND', 404, 'Unknown link', `link ${id} does not exist`)
}

/** Locks the history of the link's instance and reads the link; throws LINK_NOT_FOUND. */
async function lockedLink (trx: Transaction<Database>, engine: Engine, id: string): Promise<Selectable<LinksTable>> {
  const read = async (): Promise<Selectable<LinksTable> | undefined> => await trx.selectFrom('links').selectAll().where('id', '=', id).executeTakeFirst()
  const row = await read()
  if (row === undefined) throw linkNotFound(id)
  // SQLite: the transaction began IMMEDIATE, so nobody else has written since it began.
  if (engine !== 'postgres') return row
  await lockHistory(trx, engine, row.instance)
  // Read again under the lock: another replica may have finished or marked the link meanwhile.
  const locked = await read()
  if (locked === undefined) throw linkNotFound(id)
  return locked
}

export function createLinkRepo (db: Kysely<Database>, engine: Engine): LinkRepo {
  return {
    async findCurrent (rsid, instance, size) {
      const row = await db.selectFrom('links').selectAll()
        .where('rsid', '=', rsid).where('instance', '=', instance).where('size', '=', size)
        .orderBy('version', 'desc').limit(1)
        .executeTakeFirst()
      return row === undefined ? undefined : toLinkRow(row)
    },

    async findByRsid (rsid) {
      const rows = await db.selectFrom('links').selectAll()
        .where('rsid', '=', rsid)
        .orderBy('instance').orderBy('size').orderBy('version')
        .execute()
      return rows.map(toLinkRow)
    },

    async get (id) {
      const row = await db.selectFrom('links').selectAll().where('id', '=', id).executeTakeFirst()
      return row === undefined ? undefined : toLinkRow(row)
    },

    async start (l) {
      const now = nowIso()
      const version = l.version ?? 1
      const row: Selectable<LinksTable> = {
        id: randomUUID(),
        rsid: l.rsid,
        instance: l.instance,
        size: l.size,
        version,
        object_csid: l.objectCsid,
        object_number: l.objectNumber,
        blob_csid: null,
        media_csid: null,
        relation_object_media_csid: null,
        relation_media_object_csid: null,
        byte_length: null,
        sha256: null,
        md5: null,
        filename: l.filename ?? null,
        content_type: l.contentType ?? null,
        step: 'started',
        transaction_id: l.transactionId ?? null,
        created_at: now,
        updated_at: now,
        done_at: null,
        media_deleted_at: null
      }
      try {
        await db.insertInto('links').values({ ...row, byte_length: null }).execute()
      } catch (err) {
        if (isUniqueViolation(err)) throw new LinkExistsError({ ...l, version }, err)
        throw err
      }
      return toLinkRow(row)
    },

    async update (id, patch) {
      if (patch.step !== 'done') {
        const row = await db.updateTable('links').set({ ...toColumns(patch), updated_at: nowIso() })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst()
        if (row === undefined) throw linkNotFound(id)
        return toLinkRow(row)
      }
      return await db.transaction().execute(async function finishLink (trx) {
        const before = await lockedLink(trx, engine, id)
        const now = nowIso()
        // Only the first move to done is a change; done_at is the event's time, so lastmod and datetime agree.
        const slot = before.done_at === null ? await nextEventSlot(trx, before.instance, now) : undefined
        const row = await trx.updateTable('links')
          .set({ ...toColumns(patch), updated_at: now, done_at: before.done_at ?? slot?.datetime ?? now })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow()
        if (slot !== undefined) {
          const resource = { instance: row.instance, rsid: Number(row.rsid), size: row.size }
          const published = await latestEventOf(trx, resource)
          const change = published === undefined || published.change === 'deleted' ? 'created' : 'updated'
          await appendEvent(trx, slot, { ...resource, change, linkId: id })
        }
        return toLinkRow(row)
      })
    },

    async markMediaDeleted (id, at = nowIso()) {
      const foundAt = normalisedTime(at)
      return await db.transaction().execute(async function markMediaDeleted (trx) {
        const before = await lockedLink(trx, engine, id)
        if (before.media_deleted_at !== null) return toLinkRow(before)
        const row = await trx.updateTable('links')
          .set({ media_deleted_at: foundAt, updated_at: nowIso() })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow()
        const resource = { instance: row.instance, rsid: Number(row.rsid), size: row.size }
        const published = await latestEventOf(trx, resource)
        // Only the published version's loss is a change: an older version's media, or an unfinished
        // version's, was never what harvesters were told about.
        if (published?.linkId === id && published.change !== 'deleted') {
          await appendEvent(trx, await nextEventSlot(trx, row.instance, foundAt), { ...resource, change: 'deleted', linkId: id })
        }
        return toLinkRow(row)
      })
    },

    async list (f) {
      let query = db.selectFrom('links')
      if (f.rsid !== undefined) query = query.where('rsid', '=', f.rsid)
      if (f.instance !== undefined) query = query.where('instance', '=', f.instance)
      if (f.step !== undefined) query = query.where('step', '=', f.step)
      const { limit, offset } = pageWindow(f)
      const sort = f.sort ?? { field: 'createdAt', dir: 'desc' }
      const [counted, rows] = await Promise.all([
        query.select(eb => eb.fn.countAll<number | string>().as('total')).executeTakeFirstOrThrow(),
        query.selectAll()
          .orderBy(sortColumns[sort.field], sort.dir)
          .orderBy('created_at', 'desc').orderBy('id', 'desc')
          .limit(limit).offset(offset)
          .execute()
      ])
      return { items: rows.map(toLinkRow), total: Number(counted.total) }
    },

    async listDone ({ instance, afterId, limit }) {
      let query = db.selectFrom('links').selectAll().where('instance', '=', instance).where('step', '=', 'done')
      if (afterId !== undefined) query = query.where('id', '>', afterId)
      const rows = await query.orderBy('id').limit(Math.max(0, Math.trunc(limit))).execute()
      return rows.map(toLinkRow)
    },

    async countDone (instance) {
      const counted = await db.selectFrom('links')
        .select(eb => eb.fn.countAll<number | string>().as('total'))
        .where('instance', '=', instance).where('step', '=', 'done')
        .executeTakeFirstOrThrow()
      return Number(counted.total)
    },

    async unfinished (instance) {
      const rows = await db.selectFrom('links').selectAll().where('instance', '=', instance).where('step', '!=', 'done').orderBy('rsid').execute()
      return rows.map(toLinkRow)
    }
  }
}

function toColumns (patch: LinkPatch): Updateable<LinksTable> {
  const columns: Updateable<LinksTable> = {}
  if (patch.objectCsid !== undefined) columns.object_csid = patch.objectCsid
  if (patch.objectNumber !== undefined) columns.object_number = patch.objectNumber
  if (patch.blobCsid !== undefined) columns.blob_csid = patch.blobCsid
  if (patch.mediaCsid !== undefined) columns.media_csid = patch.mediaCsid
  if (patch.relationObjectMediaCsid !== undefined) columns.relation_object_media_csid = patch.relationObjectMediaCsid
  if (patch.relationMediaObjectCsid !== undefined) columns.relation_media_object_csid = patch.relationMediaObjectCsid
  if (patch.byteLength !== undefined) columns.byte_length = patch.byteLength
  if (patch.sha256 !== undefined) columns.sha256 = patch.sha256
  if (patch.md5 !== undefined) columns.md5 = patch.md5
  if (patch.filename !== undefined) columns.filename = patch.filename
  if (patch.contentType !== undefined) columns.content_type = patch.contentType
  if (patch.step !== undefined) columns.step = patch.step
  if (patch.transactionId !== undefined) columns.transaction_id = patch.transactionId
  return columns
}

function toLinkRow (row: Selectable<LinksTable>): LinkRow {
  return {
    id: row.id,
    rsid: Number(row.rsid),
    instance: row.instance,
    size: row.size,
    version: Number(row.version),
    objectCsid: row.object_csid,
    objectNumber: row.object_number,
    blobCsid: row.blob_csid,
    mediaCsid: row.media_csid,
    relationObjectMediaCsid: row.relation_object_media_csid,
    relationMediaObjectCsid: row.relation_media_object_csid,
    byteLength: toNullableNumber(row.byte_length),
    sha256: row.sha256,
    md5: row.md5,
    filename: row.filename,
    contentType: row.content_type,
    step: row.step as LinkStep,
    transactionId: row.transaction_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    doneAt: row.done_at,
    mediaDeletedAt: row.media_deleted_at
  }
}
