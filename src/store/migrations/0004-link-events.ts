/**
 * The link history: an append-only log of what happened to each published resource (an RS resource's
 * derivative in one instance), which ResourceSync publishes (docs/resourcesync.md). Each instance has its own
 * dense sequence 1, 2, 3…, so a change list part is a fixed range of it and never changes once written.
 * `link_event_log` holds when the history begins (the `from` of the first change list). Links finished
 * before this migration get their history from `done_at`: the first finished version of a resource is
 * `created`, later versions (forced re-pushes) `updated`.
 */
import { sql, type Kysely } from 'kysely'

// Migrations see the database as it was when they were written, not as ../schema.ts says it is today.
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('links').addColumn('media_deleted_at', 'text').execute()

  await db.schema.createTable('link_events')
    .addColumn('instance', 'text', col => col.notNull())
    .addColumn('seq', 'integer', col => col.notNull())
    .addColumn('rsid', 'integer', col => col.notNull())
    .addColumn('size', 'text', col => col.notNull())
    .addColumn('change', 'text', col => col.notNull())
    .addColumn('datetime', 'text', col => col.notNull())
    .addColumn('link_id', 'text', col => col.notNull().references('links.id'))
    .addPrimaryKeyConstraint('link_events_pk', ['instance', 'seq'])
    .execute()
  // The state of one resource (its latest event) and the resource list's (rsid, size) order.
  await db.schema.createIndex('link_events_resource').on('link_events').columns(['instance', 'rsid', 'size', 'seq']).execute()

  await db.schema.createTable('link_event_log')
    .addColumn('id', 'integer', col => col.primaryKey())
    .addColumn('started_at', 'text', col => col.notNull())
    .execute()

  const { rows } = await sql<{ first: string | null }>`select min(done_at) as first from links`.execute(db)
  const now = new Date().toISOString()
  const first = rows[0]?.first ?? null
  await db.insertInto('link_event_log').values({ id: 1, started_at: first !== null && first < now ? first : now }).execute()

  await sql`
    insert into link_events (instance, seq, rsid, size, change, datetime, link_id)
    select instance,
      row_number() over (partition by instance order by done_at, id),
      rsid, size,
      case when row_number() over (partition by instance, rsid, size order by done_at, id) = 1 then 'created' else 'updated' end,
      done_at, id
    from links where done_at is not null`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('link_event_log').ifExists().execute()
  await db.schema.dropTable('link_events').ifExists().execute()
  await db.schema.alterTable('links').dropColumn('media_deleted_at').execute()
}
