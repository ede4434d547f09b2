/**
 * Many finished links at once, written straight into the tables (links + their `created` events in the
 * link history) as that many pushes would have left them: for lists long enough to need an index, in
 * tests and in the ResourceSync benchmark, without pushing anything.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../../src/store/index.js'

export interface GeneratedLinks {
  instance: string
  /** rsids firstRsid, firstRsid + 1, … */
  firstRsid: number
  count: number
  size?: string
  /** Rows per INSERT (both engines limit the parameters of one statement). */
  batch?: number
  onProgress?: (done: number) => void
}

export async function insertFinishedLinks (db: Kysely<Database>, g: GeneratedLinks): Promise<void> {
  const size = g.size ?? 'scr'
  const batch = g.batch ?? 500
  const last = await db.selectFrom('link_events').select(['seq', 'datetime']).where('instance', '=', g.instance).orderBy('seq', 'desc').limit(1).executeTakeFirst()
  let seq = Number(last?.seq ?? 0)
  // One millisecond apart, after the newest event: the history's time never goes back.
  let time = Math.max(Date.now(), last === undefined ? 0 : Date.parse(last.datetime))
  for (let done = 0; done < g.count; done += batch) {
    const rows = Array.from({ length: Math.min(batch, g.count - done) }, (_, i) => {
      const rsid = g.firstRsid + done + i
      time += 1
      seq += 1
      return { rsid, seq, at: new Date(time).toISOString(), id: `generated-${g.instance}-${rsid}-${size}` }
    })
    await db.transaction().execute(async trx => {
      await trx.insertInto('links').values(rows.map(r => ({
        id: r.id,
        rsid: r.rsid,
        instance: g.instance,
        size,
        version: 1,
        object_csid: `object-${r.rsid}`,
        object_number: `GEN.${r.rsid}`,
        blob_csid: `blob-${r.rsid}`,
        media_csid: `media-${r.rsid}`,
        relation_object_media_csid: `rel-om-${r.rsid}`,
        relation_media_object_csid: `rel-mo-${r.rsid}`,
        byte_length: 1000 + r.rsid,
        sha256: r.rsid.toString(16).padStart(64, '0'),
        md5: r.rsid.toString(16).padStart(32, '0'),
        filename: `generated_${r.rsid}.jpg`,
        content_type: 'image/jpeg',
        step: 'done',
        transaction_id: null,
        created_at: r.at,
        updated_at: r.at,
        done_at: r.at,
        media_deleted_at: null
      }))).execute()
      await trx.insertInto('link_events').values(rows.map(r => ({
        instance: g.instance, seq: r.seq, rsid: r.rsid, size, change: 'created', datetime: r.at, link_id: r.id
      }))).execute()
    })
    g.onProgress?.(done + rows.length)
  }
}
