/**
 * Writing the link history (table `link_events`): one row per change of a published resource — an RS
 * resource's derivative in one instance — appended inside the transaction of the link change that causes
 * it (links.ts), never updated or deleted afterwards. ResourceSync publishes it (docs/resourcesync.md).
 *
 * Two rules make the history safe to publish while it grows: per instance, `seq` counts 1, 2, 3… without
 * gaps, and `datetime` never decreases along it. Both hold because writers of one instance's history are
 * serialised (SQLite: every transaction begins IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock),
 * so an event is always appended after — in order and in time — everything a reader could already see.
 */
import { sql, type Transaction } from 'kysely'
import type { Engine } from './database.js'
import { advisoryLockNamespace } from './migrate.js'
import type { Database } from './schema.js'

export type LinkChange = 'created' | 'updated' | 'deleted'

export interface LinkEventRow {
  instance: string
  /** Position in the instance's history: 1, 2, 3… without gaps. */
  seq: number
  rsid: number
  size: string
  change: LinkChange
  /** ISO-8601 UTC; never earlier than the event before it. */
  datetime: string
  linkId: string
}

/** Where the next event of an instance goes. Only valid inside the transaction that took the lock. */
export interface EventSlot {
  seq: number
  datetime: string
}

/** Serialises the writers of one instance's history until the transaction ends. */
export async function lockHistory (trx: Transaction<Database>, engine: Engine, instance: string): Promise<void> {
  // SQLite: the transaction began IMMEDIATE, so it already is the only writer of the whole database.
  if (engine !== 'postgres') return
  await sql`select pg_advisory_xact_lock(${advisoryLockNamespace}, hashtext(${`spacelink:link-events:${instance}`}))`.execute(trx)
}

/**
 * The seq and datetime of the next event of `instance`: `at`, or the last event's datetime when `at` is
 * earlier (another replica's clock, or a time the caller noted a while ago). Call after lockHistory.
 */
export async function nextEventSlot (trx: Transaction<Database>, instance: string, at: string): Promise<EventSlot> {
  const last = await trx.selectFrom('link_events').select(['seq', 'datetime'])
    .where('instance', '=', instance)
    .orderBy('seq', 'desc').limit(1)
    .executeTakeFirst()
  if (last === undefined) return { seq: 1, datetime: at }
  return { seq: Number(last.seq) + 1, datetime: last.datetime > at ? last.datetime : at }
}

/** The newest event of one resource: what a harvester currently knows of it. */
export async function latestEventOf (
  trx: Transaction<Database>,
  r: { instance: string, rsid: number, size: string }
): Promise<{ change: LinkChange, linkId: string } | undefined> {
  const row = await trx.selectFrom('link_events').select(['change', 'link_id'])
    .where('instance', '=', r.instance).where('rsid', '=', r.rsid).where('size', '=', r.size)
    .orderBy('seq', 'desc').limit(1)
    .executeTakeFirst()
  return row === undefined ? undefined : { change: row.change as LinkChange, linkId: row.link_id }
}

export async function appendEvent (trx: Transaction<Database>, slot: EventSlot, e: Omit<LinkEventRow, 'seq' | 'datetime'>): Promise<void> {
  await trx.insertInto('link_events').values({
    instance: e.instance,
    seq: slot.seq,
    rsid: e.rsid,
    size: e.size,
    change: e.change,
    datetime: slot.datetime,
    link_id: e.linkId
  }).execute()
}

/** An ISO-8601 UTC timestamp in the one format the store writes (so text order is time order). */
export function normalisedTime (at: string): string {
  const time = new Date(at)
  if (Number.isNaN(time.getTime())) throw new RangeError(`not a date-time: ${at}`)
  return time.toISOString()
}
