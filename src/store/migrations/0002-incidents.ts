/**
 * Open incidents of the sync watch: at most one row per instance while its nightly is failed or stale.
 * The row is the "already notified" mark that every replica shares, so a notice goes out once per incident.
 */
import type { Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('incidents')
    .addColumn('instance', 'text', col => col.primaryKey())
    .addColumn('kind', 'text', col => col.notNull())
    .addColumn('detail', 'text', col => col.notNull())
    .addColumn('run_id', 'text')
    .addColumn('opened_at', 'text', col => col.notNull())
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('incidents').ifExists().execute()
}
