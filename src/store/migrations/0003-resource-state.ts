/**
 * What a nightly run needs to converge (issue: nothing lost, nothing wrong): RS write sets that did not
 * finish (a crash, an RS outage, or a button answered before its writes), per-resource failures with
 * their retry schedule across nights, and the warnings a run records without failing.
 */
import type { Kysely } from 'kysely'

// Migrations see the database as it was when they were written, not as ../schema.ts says it is today.
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('unfinished_rs_writes')
    .addColumn('rsid', 'integer', col => col.primaryKey())
    .addColumn('instance', 'text')
    .addColumn('transaction_id', 'text', col => col.notNull())
    .addColumn('since', 'text', col => col.notNull())
    .execute()
  await db.schema.createIndex('unfinished_rs_writes_instance').on('unfinished_rs_writes').column('instance').execute()

  await db.schema.createTable('resource_failures')
    .addColumn('instance', 'text', col => col.notNull())
    .addColumn('rsid', 'integer', col => col.notNull())
    .addColumn('accession_number', 'text')
    .addColumn('outcome', 'text', col => col.notNull())
    .addColumn('message', 'text')
    .addColumn('attempts', 'integer', col => col.notNull())
    .addColumn('first_failed_at', 'text', col => col.notNull())
    .addColumn('last_failed_at', 'text', col => col.notNull())
    .addColumn('retry_after', 'text')
    .addPrimaryKeyConstraint('resource_failures_pk', ['instance', 'rsid'])
    .execute()

  await db.schema.alterTable('sync_runs').addColumn('warnings', 'text', col => col.notNull().defaultTo('[]')).execute()
  await carryOverFailures(db)
  await listHalfwayPushes(db)
}

/**
 * Until now a push-resource button marked a resource synced without writing its metadata, and no nightly
 * run ever came back to it. Each resource whose latest metadata-less push was not followed by a metadata
 * pull (a nightly item, retrieve-metadata) is listed as an unfinished write set: the next nightly run
 * completes it.
 */
async function listHalfwayPushes (db: Kysely<any>): Promise<void> {
  const rows: Array<{ id: string, rsid: number, instance: string | null, caller: string, query_type: string, started_at: string }> =
    await db.selectFrom('transactions')
      .select(['id', 'rsid', 'instance', 'caller', 'query_type', 'started_at'])
      .where('dry_run', '=', 0)
      .where('outcome', 'in', ['pushed', 'already-pushed', 'updated', 'unchanged'])
      .where('query_type', 'in', ['push-resource', 'push-resource-group', 'retrieve-metadata', 'sync', 'sync-refresh'])
      .orderBy('started_at', 'asc')
      .execute()
  const latest = new Map<number, (typeof rows)[number]>()
  for (const row of rows) latest.set(Number(row.rsid), row)
  for (const row of latest.values()) {
    const buttonPush = row.caller !== 'sync' && (row.query_type === 'push-resource' || row.query_type === 'push-resource-group')
    if (!buttonPush) continue
    await db.insertInto('unfinished_rs_writes').values({ rsid: row.rsid, instance: row.instance, transaction_id: row.id, since: row.started_at }).execute()
  }
}

/**
 * Until now failures were read from the items of past runs: each resource's latest item of a run that
 * was not a dry run, when it is not a success, becomes its failure row (one attempt, due for a retry).
 */
async function carryOverFailures (db: Kysely<any>): Promise<void> {
  const successes = new Set(['valid', 'updated', 'unchanged', 'pushed', 'already-pushed'])
  const rows: Array<{
    instance: string,
    options: string,
    rsid: number,
    accession_number: string | null,
    outcome: string,
    message: string | null,
    updated_at: string
  }> =
    await db.selectFrom('sync_run_items').innerJoin('sync_runs', 'sync_runs.id', 'sync_run_items.run_id')
      .select(['sync_runs.instance', 'sync_runs.options', 'sync_run_items.rsid', 'sync_run_items.accession_number', 'sync_run_items.outcome', 'sync_run_items.message', 'sync_run_items.updated_at'])
      .orderBy('sync_run_items.updated_at', 'asc')
      .execute()
  const latest = new Map<string, (typeof rows)[number]>()
  for (const row of rows) {
    if ((JSON.parse(row.options) as { dryRun?: boolean }).dryRun === true) continue
    latest.set(`${row.instance}\u0000${row.rsid}`, row)
  }
  const failures = [...latest.values()].filter(row => !successes.has(row.outcome))
  for (const row of failures) {
    await db.insertInto('resource_failures').values({
      instance: row.instance,
      rsid: row.rsid,
      accession_number: row.accession_number,
      outcome: row.outcome,
      message: row.message,
      attempts: 1,
      first_failed_at: row.updated_at,
      last_failed_at: row.updated_at,
      retry_after: row.outcome === 'upstream-error' ? row.updated_at : null
    }).execute()
  }
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_runs').dropColumn('warnings').execute()
  await db.schema.dropTable('resource_failures').execute()
  await db.schema.dropTable('unfinished_rs_writes').execute()
}
