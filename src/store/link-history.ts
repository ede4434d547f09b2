/**
 * Reading the link history (link-events.ts writes it) the way ResourceSync publishes it
 * (docs/resourcesync.md): an instance's events in order, and the set of resources that exist after any
 * event `asOf` — a snapshot that never changes once `asOf` is written, because the history only grows.
 *
 * Long reads are async iterables that fetch `batchSize` rows at a time by key (seq, or rsid + size), so
 * no list is ever held whole in memory, and no transaction or connection stays open between batches.
 */
import { sql, type Kysely, type RawBuilder, type Selectable, type SqlBool } from 'kysely'
import type { LinkChange, LinkEventRow } from './link-events.js'
import { toNullableNumber } from './columns.js'
import type { LinkRow } from './links.js'
import type { Database, LinkEventsTable, LinksTable } from './schema.js'

/** What a published link record is made of: the fields of a link version that never change once it is done. */
export type PublishedLink = Pick<LinkRow, 'id' | 'rsid' | 'instance' | 'size' | 'version' | 'objectCsid' | 'objectNumber' | 'mediaCsid' | 'blobCsid' |
  'relationObjectMediaCsid' | 'relationMediaObjectCsid' | 'filename' | 'contentType' | 'byteLength' | 'sha256' | 'md5' | 'doneAt'>

/** An event with the link version it is about. */
export interface LinkEvent extends LinkEventRow {
  link: PublishedLink
}

/** One resource of an instance. */
export interface ResourceKey {
  rsid: number
  size: string
}

export interface LinkHistoryRepo {
  /** When the history begins: the `from` of an instance's first change list. */
  startedAt (): Promise<string>
  /** The newest event of an instance, or undefined when it has none. */
  head (instance: string): Promise<{ seq: number, datetime: string } | undefined>
  /** The time of one event, or undefined when there is no such event. */
  datetimeOf (instance: string, seq: number): Promise<string | undefined>
  /** Events with `from <= seq <= to`, oldest first. */
  events (instance: string, range: { from: number, to: number, batchSize?: number }): AsyncIterable<LinkEvent>
  /**
   * The resources that exist after event `asOf` (their newest event up to it is not a deletion), each with
   * that event, in (rsid, size) order, starting after `after`, at most `limit` of them.
   */
  resourcesAt (instance: string, f: { asOf: number, after?: ResourceKey, limit?: number, batchSize?: number }): AsyncIterable<LinkEvent>
  /** The same resources, keys only (cheaper: no link rows), for cutting a long list into parts. */
  resourceKeysAt (instance: string, f: { asOf: number, after?: ResourceKey, batchSize?: number }): AsyncIterable<ResourceKey>
  /** The newest event of one resource: what it currently is (undefined: never published). */
  latest (instance: string, key: ResourceKey): Promise<LinkEvent | undefined>
}

const defaultBatchSize = 1000

export function createLinkHistoryRepo (db: Kysely<Database>): LinkHistoryRepo {
  /** Events with the columns of their link version that a record needs (fewer columns: faster long lists). */
  function eventsWithLinks (instance: string) {
    return db.selectFrom('link_events as e')
      .innerJoin('links as l', 'l.id', 'e.link_id')
      .select(['e.instance', 'e.seq', 'e.rsid', 'e.size', 'e.change', 'e.datetime', 'e.link_id', 'l.version', 'l.object_csid', 'l.object_number',
        'l.media_csid', 'l.blob_csid', 'l.relation_object_media_csid', 'l.relation_media_object_csid', 'l.filename', 'l.content_type',
        'l.byte_length', 'l.sha256', 'l.md5', 'l.done_at'])
      .where('e.instance', '=', instance)
  }

  return {
    async startedAt () {
      const row = await db.selectFrom('link_event_log').select('started_at').where('id', '=', 1).executeTakeFirstOrThrow()
      return row.started_at
    },

    async head (instance) {
      const row = await db.selectFrom('link_events').select(['seq', 'datetime'])
        .where('instance', '=', instance)
        .orderBy('seq', 'desc').limit(1)
        .executeTakeFirst()
      return row === undefined ? undefined : { seq: Number(row.seq), datetime: row.datetime }
    },

    async datetimeOf (instance, seq) {
      const row = await db.selectFrom('link_events').select('datetime')
        .where('instance', '=', instance).where('seq', '=', seq)
        .executeTakeFirst()
      return row?.datetime
    },

    async * events (instance, { from, to, batchSize = defaultBatchSize }) {
      for (let next = from; next <= to;) {
        const rows = await eventsWithLinks(instance)
          .where('e.seq', '>=', next).where('e.seq', '<=', to)
          .orderBy('e.seq').limit(batchSize)
          .execute()
        for (const row of rows) yield toLinkEvent(row)
        if (rows.length < batchSize) return
        next = Number(rows[rows.length - 1]!.seq) + 1
      }
    },

    async * resourcesAt (instance, { asOf, after, limit = Number.POSITIVE_INFINITY, batchSize = defaultBatchSize }) {
      let cursor = after
      for (let left = limit; left > 0;) {
        const rows = await eventsWithLinks(instance)
          .where(currentAt(asOf)).where(afterKey(cursor))
          .orderBy('e.rsid').orderBy('e.size').limit(Math.min(batchSize, left))
          .execute()
        for (const row of rows) yield toLinkEvent(row)
        if (rows.length < Math.min(batchSize, left)) return
        left -= rows.length
        const last = rows[rows.length - 1]!
        cursor = { rsid: Number(last.rsid), size: last.size }
      }
    },

    async * resourceKeysAt (instance, { asOf, after, batchSize = defaultBatchSize }) {
      let cursor = after
      for (;;) {
        const rows = await db.selectFrom('link_events as e').select(['e.rsid', 'e.size'])
          .where('e.instance', '=', instance).where(currentAt(asOf)).where(afterKey(cursor))
          .orderBy('e.rsid').orderBy('e.size').limit(batchSize)
          .execute()
        for (const row of rows) yield { rsid: Number(row.rsid), size: row.size }
        if (rows.length < batchSize) return
        const last = rows[rows.length - 1]!
        cursor = { rsid: Number(last.rsid), size: last.size }
      }
    },

    async latest (instance, key) {
      const row = await eventsWithLinks(instance)
        .where('e.rsid', '=', key.rsid).where('e.size', '=', key.size)
        .orderBy('e.seq', 'desc').limit(1)
        .executeTakeFirst()
      return row === undefined ? undefined : toLinkEvent(row)
    }
  }
}

/**
 * Rows `e` of link_events (already limited to one instance) that are their resource's newest event up to
 * `asOf`, and not a deletion: the resources that exist after event `asOf`.
 */
function currentAt (asOf: number): RawBuilder<SqlBool> {
  return sql<SqlBool>`e.seq <= ${asOf} and e.change <> 'deleted' and not exists (
    select 1 from link_events n
    where n.instance = e.instance and n.rsid = e.rsid and n.size = e.size and n.seq > e.seq and n.seq <= ${asOf})`
}

/** Resources after `after` in (rsid, size) order; a row-value comparison both engines answer from the index. */
function afterKey (after: ResourceKey | undefined): RawBuilder<SqlBool> {
  return after === undefined ? sql<SqlBool>`1 = 1` : sql<SqlBool>`(e.rsid, e.size) > (${after.rsid}, ${after.size})`
}

type EventRow = Pick<Selectable<LinkEventsTable>, 'instance' | 'seq' | 'rsid' | 'size' | 'change' | 'datetime' | 'link_id'> &
  Pick<Selectable<LinksTable>, 'version' | 'object_csid' | 'object_number' | 'media_csid' | 'blob_csid' | 'relation_object_media_csid' |
    'relation_media_object_csid' | 'filename' | 'content_type' | 'byte_length' | 'sha256' | 'md5' | 'done_at'>

function toLinkEvent (row: EventRow): LinkEvent {
  const rsid = Number(row.rsid)
  return {
    instance: row.instance,
    seq: Number(row.seq),
    rsid,
    size: row.size,
    change: row.change as LinkChange,
    datetime: row.datetime,
    linkId: row.link_id,
    link: {
      id: row.link_id,
      rsid,
      instance: row.instance,
      size: row.size,
      version: Number(row.version),
      objectCsid: row.object_csid,
      objectNumber: row.object_number,
      mediaCsid: row.media_csid,
      blobCsid: row.blob_csid,
      relationObjectMediaCsid: row.relation_object_media_csid,
      relationMediaObjectCsid: row.relation_media_object_csid,
      filename: row.filename,
      contentType: row.content_type,
      byteLength: toNullableNumber(row.byte_length),
      sha256: row.sha256,
      md5: row.md5,
      doneAt: row.done_at
    }
  }
}
