/**
 * What the pages for people need to say without asking RS: the accession number each action worked with
 * (the "needs attention" list names it next to the resource), and the RS title of each field written
 * (the field diff says "Creator", not `92`). Both are null on rows written before this migration; the
 * pages then fall back to the field's name.
 */
import type { Kysely } from 'kysely'

// Migrations see the database as it was when they were written, not as ../schema.ts says it is today.
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('transactions').addColumn('accession_number', 'text').execute()
  await db.schema.alterTable('rs_writes').addColumn('title', 'text').execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rs_writes').dropColumn('title').execute()
  await db.schema.alterTable('transactions').dropColumn('accession_number').execute()
}
