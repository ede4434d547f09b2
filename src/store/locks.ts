/**
 * Locks that hold across processes and replicas sharing one database.
 *
 * Resource locks serialise work on one key (e.g. one RS resource's push) so double clicks, concurrent
 * callers and replicas never run the same push twice at once. PostgreSQL: a session advisory lock on a
 * connection from a pool of its own, held while the work runs; the server drops it when the connection
 * dies, so a crashed holder never blocks anyone. SQLite: a lock row with a holder and an expiry that the
 * holder keeps extending; a crashed holder stops extending and its row is taken over once it expired.
 *
 * The run lock allows one sync run per instance: a row with an expiry the running sync extends by
 * heartbeats. Whoever finds the row expired takes it over, and the old holder's next heartbeat says it lost.
 * A holder that is gone is taken over at once, not after the TTL: on PostgreSQL the run also holds a
 * session advisory lock, which the server releases with the dead process's connection; on SQLite (one
 * machine) a holder names its host and process id (`host:pid:…`), and a row whose process no longer
 * exists on this host is stale. Expiries compare the clocks of the processes involved, so replicas need
 * synchronised clocks (NTP); the TTLs are far longer than any normal skew.
 */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Kysely } from 'kysely'
import type pg from 'pg'
import { SpacelinkError } from '../errors.js'
import { isBusyError, pgPoolUse, type Engine, type PoolUse } from './database.js'
import { KeyedMutex } from './keyed-mutex.js'
import { advisoryLockNamespace } from './migrate.js'
import type { Database } from './schema.js'

export interface ResourceLockOptions {
  /** How long to wait for the lock before giving up with LOCK_TIMEOUT (409). Default 60 000. */
  waitMs?: number
}

export interface RunLockState {
  instance: string
  holder: string
  acquiredAt: string
  expiresAt: string
}

export interface LockRepo {
  /** Runs `fn` while holding the lock on `key`, across every process sharing the database. */
  withResourceLock<T>(key: string, fn: () => Promise<T>, opts?: ResourceLockOptions): Promise<T>
  /** Takes the instance's run lock if it is free, expired, or already ours; false when someone else holds it. */
  acquireRunLock (instance: string, holder: string, ttlMs: number): Promise<boolean>
  /** Extends our run lock; false means we lost it (it expired and someone took it over, or it was released). */
  heartbeatRunLock (instance: string, holder: string, ttlMs: number): Promise<boolean>
  releaseRunLock (instance: string, holder: string): Promise<void>
  /** Who holds the instance's run lock (possibly expired), if anyone. */
  runLock (instance: string): Promise<RunLockState | undefined>
}

/** How long a resource lock row outlives a holder that stopped extending it (SQLite). */
export const defaultResourceLockTtlMs = 30_000

export interface LockSettings {
  /** SQLite: how long a lock row stays valid without being extended (a crashed holder blocks this long). */
  resourceLockTtlMs?: number
  /** PostgreSQL: connections reserved for holding advisory locks, apart from the query pool. */
  lockPoolSize?: number
}

export const defaultLockWaitMs = 60_000

export function lockTimeout (key: string, waitMs: number): SpacelinkError {
  return new SpacelinkError('LOCK_TIMEOUT', 409, 'Conflicting action in flight',
    `another action on ${key} is still running after waiting ${waitMs} ms; try again later`, { key })
}

/** A lock holder id that says where it lives: `host:pid:random`. */
export function newHolder (): string {
  return `${hostname()}:${process.pid}:${randomUUID()}`
}

/** True when `holder` names a process on this host that no longer exists (it was killed or crashed). */
export function isDeadLocalHolder (holder: string): boolean {
  const [host, pid] = holder.split(':')
  if (host !== hostname() || pid === undefined || !/^\d+$/.test(pid)) return false
  try {
    process.kill(Number(pid), 0)
    return false
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

export function createLockRepo (
  engine: Engine,
  db: Kysely<Database>,
  settings: LockSettings & { newPgPool?: (max: number) => pg.Pool } = {}
): LockRepo & { close(): Promise<void>, poolUse(): PoolUse[] } {
  const local = new KeyedMutex()
  if (engine === 'postgres' && settings.newPgPool === undefined) throw new Error('PostgreSQL locks need a pool of their own: pass newPgPool (openStore does)')
  const pgPool = engine === 'postgres' ? settings.newPgPool?.(settings.lockPoolSize ?? 10) : undefined
  const holdDatabaseLock = pgPool !== undefined ? advisoryLocker(pgPool) : rowLocker(db, settings.resourceLockTtlMs ?? defaultResourceLockTtlMs)
  /** PostgreSQL: the connection holding each run's advisory lock, by instance. */
  const runSessions = new Map<string, { holder: string, client: pg.PoolClient }>()

  /** Drops a stale row: its holder's session lock is free (PostgreSQL) or its process is gone (SQLite). */
  async function clearDeadHolder (instance: string): Promise<void> {
    const row = await db.selectFrom('run_locks').select('holder').where('instance', '=', instance).executeTakeFirst()
    if (row === undefined || (pgPool === undefined && !isDeadLocalHolder(row.holder))) return
    await db.deleteFrom('run_locks').where('instance', '=', instance).where('holder', '=', row.holder).execute()
  }

  /** PostgreSQL: takes the instance's session lock on a connection kept for the run; false when a live process holds it. */
  async function holdRunSession (instance: string, holder: string): Promise<boolean> {
    if (pgPool === undefined) return true
    if (runSessions.get(instance)?.holder === holder) return true
    const client = await pgPool.connect()
    const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as ok', [advisoryLockNamespace, `run:${instance}`])
    if (rows[0]?.ok !== true) {
      client.release()
      return false
    }
    runSessions.set(instance, { holder, client })
    return true
  }

  async function dropRunSession (instance: string, holder: string): Promise<void> {
    const session = runSessions.get(instance)
    if (session === undefined || session.holder !== holder) return
    runSessions.delete(instance)
    // Closing the connection releases its session lock whatever state it is in.
    session.client.release(true)
  }

  return {
    async withResourceLock (key, fn, opts = {}) {
      const waitMs = opts.waitMs ?? defaultLockWaitMs
      const deadline = Date.now() + waitMs
      const release = await local.acquire(key, waitMs)
      if (release === undefined) throw lockTimeout(key, waitMs)
      try {
        return await holdDatabaseLock.run(key, deadline, waitMs, fn)
      } finally {
        release()
      }
    },

    async acquireRunLock (instance, holder, ttlMs) {
      // Holding the session lock proves no live process runs the instance, whatever its row says; without
      // it (the holder lives but stopped heartbeating) the row's expiry decides, as on SQLite.
      const session = await holdRunSession(instance, holder)
      if (pgPool !== undefined && session) await db.deleteFrom('run_locks').where('instance', '=', instance).where('holder', '!=', holder).execute()
      if (pgPool === undefined) await clearDeadHolder(instance)
      const now = Date.now()
      const taken = await db.insertInto('run_locks')
        .values({ instance, holder, acquired_at: iso(now), expires_at: iso(now + ttlMs) })
        .onConflict(oc => oc.column('instance')
          .doUpdateSet(eb => ({
            holder: eb.ref('excluded.holder'),
            acquired_at: eb.ref('excluded.acquired_at'),
            expires_at: eb.ref('excluded.expires_at')
          }))
          .where(eb => eb.or([
            eb('run_locks.expires_at', '<', iso(now)),
            eb('run_locks.holder', '=', holder)
          ])))
        .returning('instance')
        .executeTakeFirst()
      if (taken === undefined) await dropRunSession(instance, holder)
      return taken !== undefined
    },

    async heartbeatRunLock (instance, holder, ttlMs) {
      const result = await db.updateTable('run_locks')
        .set({ expires_at: iso(Date.now() + ttlMs) })
        .where('instance', '=', instance).where('holder', '=', holder)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) > 0
    },

    async releaseRunLock (instance, holder) {
      try {
        await db.deleteFrom('run_locks').where('instance', '=', instance).where('holder', '=', holder).execute()
      } finally {
        await dropRunSession(instance, holder)
      }
    },

    async runLock (instance) {
      const row = await db.selectFrom('run_locks').selectAll().where('instance', '=', instance).executeTakeFirst()
      return row === undefined ? undefined : { instance: row.instance, holder: row.holder, acquiredAt: row.acquired_at, expiresAt: row.expires_at }
    },

    async close () {
      for (const [instance, session] of runSessions) await dropRunSession(instance, session.holder)
      await holdDatabaseLock.close()
    },

    poolUse () {
      return pgPool === undefined ? [] : [pgPoolUse('locks', pgPool)]
    }
  }
}

function iso (ms: number): string {
  return new Date(ms).toISOString()
}

interface DatabaseLocker {
  run<T>(key: string, deadline: number, waitMs: number, fn: () => Promise<T>): Promise<T>
  close(): Promise<void>
}

/**
 * PostgreSQL advisory locks. They live in a pool of their own so that work holding a lock, which needs
 * query connections too, can never starve the query pool (nor the other way round). The key space is
 * (spacelink's namespace, hashtext(key)); two keys sharing a 32-bit hash merely serialise with each other.
 */
function advisoryLocker (pool: pg.Pool): DatabaseLocker {
  return {
    async run (key, deadline, waitMs, fn) {
      const client = await connectBefore(pool, deadline, key, waitMs)
      try {
        // lock_timeout bounds the wait; 0 would mean "wait forever", so never send less than 1 ms.
        await client.query("select set_config('lock_timeout', $1, false)", [`${Math.max(1, deadline - Date.now())}ms`])
        await client.query('select pg_advisory_lock($1, hashtext($2))', [advisoryLockNamespace, key])
        await client.query("select set_config('lock_timeout', '0', false)")
      } catch (err) {
        const timedOut = (err as { code?: string }).code === '55P03'
        // A connection in an unknown state is closed rather than returned to the pool.
        client.release(timedOut ? undefined : true)
        throw timedOut ? lockTimeout(key, waitMs) : err
      }
      let healthy = true
      try {
        return await fn()
      } finally {
        try {
          await client.query('select pg_advisory_unlock($1, hashtext($2))', [advisoryLockNamespace, key])
        } catch {
          // Closing the connection releases the lock just as well.
          healthy = false
        }
        client.release(healthy ? undefined : true)
      }
    },
    async close () {
      await pool.end()
    }
  }
}

async function connectBefore (pool: pg.Pool, deadline: number, key: string, waitMs: number): Promise<pg.PoolClient> {
  const connecting = pool.connect()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<undefined>(resolve => { timer = setTimeout(resolve, Math.max(0, deadline - Date.now()), undefined) })
  try {
    const client = await Promise.race([connecting, timeout])
    if (client !== undefined) return client
  } finally {
    clearTimeout(timer)
  }
  // Too late: hand the connection back whenever it arrives.
  connecting.then(c => c.release(), () => {})
  throw lockTimeout(key, waitMs)
}

/**
 * SQLite lock rows. Taking the lock is one upsert that succeeds only if the row is absent or expired; while
 * the work runs, the holder extends the expiry every third of the TTL, so only a holder that stopped (crashed,
 * or its event loop froze for a whole TTL) loses the lock.
 */
function rowLocker (db: Kysely<Database>, ttlMs: number): DatabaseLocker {
  /** Inserts the row, or takes it over once it expired; true when `holder` has it now. */
  async function insertOrTakeExpired (key: string, holder: string): Promise<boolean> {
    const now = Date.now()
    const taken = await db.insertInto('resource_locks')
      .values({ key, holder, expires_at: iso(now + ttlMs) })
      .onConflict(oc => oc.column('key')
        .doUpdateSet(eb => ({ holder: eb.ref('excluded.holder'), expires_at: eb.ref('excluded.expires_at') }))
        .where('resource_locks.expires_at', '<', iso(now)))
      .returning('key')
      .executeTakeFirst()
    return taken !== undefined
  }

  async function tryTake (key: string, holder: string): Promise<boolean> {
    try {
      // The free key first: one statement in the common case (an uncontended resource).
      if (await insertOrTakeExpired(key, holder)) return true
      const current = await db.selectFrom('resource_locks').select('holder').where('key', '=', key).executeTakeFirst()
      if (current === undefined || !isDeadLocalHolder(current.holder)) return false
      await db.deleteFrom('resource_locks').where('key', '=', key).where('holder', '=', current.holder).execute()
      return await insertOrTakeExpired(key, holder)
    } catch (err) {
      // Another process is writing for longer than busy_timeout: treat as "not yet" and poll again.
      if (isBusyError(err)) return false
      throw err
    }
  }

  return {
    async run (key, deadline, waitMs, fn) {
      const holder = newHolder()
      for (let pause = 10; !(await tryTake(key, holder)); pause = Math.min(pause * 2, 200)) {
        const left = deadline - Date.now()
        if (left <= 0) throw lockTimeout(key, waitMs)
        await sleep(Math.min(pause, left))
      }
      const heartbeat = setInterval(function extendLock () {
        db.updateTable('resource_locks').set({ expires_at: iso(Date.now() + ttlMs) })
          .where('key', '=', key).where('holder', '=', holder)
          .execute()
          .catch(() => {})
      }, Math.max(10, Math.floor(ttlMs / 3)))
      heartbeat.unref()
      try {
        return await fn()
      } finally {
        clearInterval(heartbeat)
        // The work is done whatever happens here; a row we fail to delete simply expires after the TTL.
        await db.deleteFrom('resource_locks').where('key', '=', key).where('holder', '=', holder).execute().catch(() => {})
      }
    },
    async close () {}
  }
}
