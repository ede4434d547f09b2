import t from 'tap'
import { forEachBounded, settleAll } from '../../../src/util/concurrency.js'

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

t.test('a width given as a function is followed as it changes: wider starts workers, narrower lets them end', async t => {
  let width = 2
  let inFlight = 0
  const peaks: number[] = []
  const seen: number[] = []
  await forEachBounded(numbers(60), () => width, async i => {
    inFlight++
    peaks[i] = inFlight
    await new Promise(resolve => setImmediate(resolve))
    seen.push(i)
    inFlight--
    if (i === 10) width = 6
    if (i === 40) width = 1
  })
  t.same(seen.sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i))
  t.ok(Math.max(...peaks.slice(0, 11)) <= 2, 'at most 2 before the change')
  t.equal(Math.max(...peaks), 6, 'widened to 6')
  t.ok(Math.max(...peaks.slice(50)) <= 1, 'back to one at a time')
})

t.test('settleAll: every piece of work ends before the first failure in the given order is thrown', async t => {
  t.same(await settleAll([Promise.resolve(1), Promise.resolve('two')]), [1, 'two'])
  let slowEnded = false
  let release = (): void => {}
  const slow = new Promise<void>(resolve => { release = resolve }).then(() => { slowEnded = true; throw new Error('first in order, last in time') })
  const fast = Promise.reject(new Error('second in order, first in time'))
  const settling = settleAll([slow, fast])
  await new Promise(resolve => setImmediate(resolve))
  t.notOk(slowEnded, 'the slow work is still running after the fast one failed')
  release()
  const err = await settling.then(() => undefined, (e: unknown) => e as Error)
  t.equal(err?.message, 'first in order, last in time', 'the first failure in the given order, not in time')
  t.ok(slowEnded, 'the other work had ended when the failure was thrown')
})
