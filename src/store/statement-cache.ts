/**
 * better-sqlite3 behind kysely, with its prepared statements kept. kysely's SQLite driver prepares every
 * query afresh; spacelink sends the same few dozen SQL texts thousands of times a night, and preparing
 * was 7 % of the sync process's CPU in a profile (bench/, `--cpu-prof`). A statement is reused only when
 * it is not in the middle of an iteration (a streamed read), else a fresh one is prepared for that use.
 */
import type SqliteDatabase from 'better-sqlite3'

/** Distinct SQL texts kept; spacelink's queries are far fewer, generated IN-lists can be many. */
const maxStatements = 500

export class StatementCachingDatabase {
  readonly #database: SqliteDatabase.Database
  readonly #statements = new Map<string, SqliteDatabase.Statement>()

  constructor (database: SqliteDatabase.Database) {
    this.#database = database
  }

  prepare (sql: string): SqliteDatabase.Statement {
    const kept = this.#statements.get(sql)
    if (kept !== undefined && !kept.busy) return kept
    const statement = this.#database.prepare(sql)
    if (kept === undefined) {
      if (this.#statements.size >= maxStatements) this.#statements.delete(this.#statements.keys().next().value as string)
      this.#statements.set(sql, statement)
    }
    return statement
  }

  close (): void {
    this.#statements.clear()
    this.#database.close()
  }
}
