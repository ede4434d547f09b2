import t from 'tap'
import SqliteDatabase from 'better-sqlite3'
import { StatementCachingDatabase } from '../../../src/store/statement-cache.js'

t.test('a SQL text is prepared once; a statement in the middle of a streamed read is not handed out again', async t => {
  const raw = new SqliteDatabase(':memory:')
  const db = new StatementCachingDatabase(raw)
  db.prepare('create table n (v integer)').run()
  const insert = db.prepare('insert into n (v) values (?)')
  t.equal(db.prepare('insert into n (v) values (?)'), insert, 'the same statement again')
  for (let v = 1; v <= 3; v++) insert.run(v)

  const outer = db.prepare('select v from n order by v')
  const seen: Array<[number, number[]]> = []
  for (const row of outer.iterate() as IterableIterator<{ v: number }>) {
    // The same query while the first still iterates: better-sqlite3 would refuse a busy statement.
    const inner = db.prepare('select v from n order by v')
    t.not(inner, outer, 'a busy statement gets a fresh twin')
    seen.push([row.v, (inner.all() as Array<{ v: number }>).map(r => r.v)])
  }
  t.same(seen, [[1, [1, 2, 3]], [2, [1, 2, 3]], [3, [1, 2, 3]]], 'both reads see every row')
  t.equal(db.prepare('select v from n order by v'), outer, 'once done, the kept statement is reused')
  db.close()
  t.notOk(raw.open, 'close closes the database')
})
