import t from 'tap'
import { forEachBounded } from '../../../src/util/concurrency.js'

async function * numbers (n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i
}

t.test('every item is processed once, never more than `concurrency` at a time', async t => {
  let inFlight = 0
  let peak = 0
  const seen: number[] = []
  await forEachBounded(numbers(50), 4, async i => {
    inFlight++
    peak = Math.max(peak, inFlight)
    await new Promise(resolve => setTimeout(resolve, 1))
    seen.push(i)
    inFlight--
  })
  t.equal(peak, 4)
  t.same(seen.sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i))
})

t.test('a failure stops pulling and is re-thrown', async t => {
  const seen: number[] = []
  await t.rejects(forEachBounded(numbers(1000), 2, async i => {
    seen.push(i)
    if (i === 3) throw new Error('boom')
  }), /boom/)
  t.ok(seen.length < 10)
})
