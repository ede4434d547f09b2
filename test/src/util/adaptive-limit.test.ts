import t from 'tap'
import { AdaptiveLimit, recordWidth, type LimitSlot } from '../../../src/util/adaptive-limit.js'

// No clock anywhere: latencies are numbers handed to the limiter, as the HTTP layer hands them.

/** Fills the limit, then answers every held call with `ms` (or an overload), `rounds` times. */
async function drive (limit: AdaptiveLimit, rounds: number, answer: (round: number) => { ms: number, overloaded?: boolean }): Promise<number[]> {
  const widths: number[] = []
  for (let round = 0; round < rounds; round++) {
    const slots: LimitSlot[] = []
    // One more than the width asks, so the window sees the limit used up.
    const width = limit.limit
    const pending = Array.from({ length: width + 1 }, async () => await limit.acquire('background'))
    for (let i = 0; i < width; i++) slots.push(await pending[i] as LimitSlot)
    const { ms, overloaded = false } = answer(round)
    for (const slot of slots) slot.release({ operation: 'update_field', ms, overloaded })
    ;(await pending[width] as LimitSlot).release()
    widths.push(limit.limit)
  }
  return widths
}

t.test('widens one step per window while latency stays flat, up to the ceiling and never past it', async (t) => {
  const limit = new AdaptiveLimit({ initial: 8, max: 12 })
  const widths = await drive(limit, 20, () => ({ ms: 20 }))
  t.equal(widths[0], 9)
  t.equal(widths[3], 12)
  t.equal(Math.max(...widths), 12)
  t.equal(limit.limit, 12)
})

t.test('does not widen when the width is not used', async (t) => {
  const limit = new AdaptiveLimit({ initial: 4, max: 32 })
  for (let i = 0; i < 40; i++) {
    const slot = await limit.acquire()
    slot.release({ operation: 'get_resource_data', ms: 20, overloaded: false })
  }
  t.equal(limit.limit, 4)
})

t.test('halves on an overload answer, once per round in flight, and never goes below 1', async (t) => {
  const limit = new AdaptiveLimit({ initial: 16, max: 32 })
  const slots = await Promise.all(Array.from({ length: 16 }, async () => await limit.acquire()))
  // Sixteen 503s from calls that all started at width 16: one cut, not sixteen.
  for (const slot of slots) slot.release({ operation: 'update_field', ms: 5, overloaded: true })
  t.equal(limit.limit, 8)
  const widths = await drive(limit, 10, () => ({ ms: 5, overloaded: true }))
  t.same(widths.slice(0, 4), [4, 2, 1, 1])
  t.equal(Math.min(...widths), 1)
})

t.test('narrowed by overloads, it widens again once the answers are good (windows of at least 4 answers)', async (t) => {
  const limit = new AdaptiveLimit({ initial: 8, max: 16 })
  await drive(limit, 2, () => ({ ms: 20, overloaded: true }))
  t.equal(limit.limit, 2)
  const widths = await drive(limit, 6, () => ({ ms: 20 }))
  t.same(widths, [2, 3, 3, 4, 5, 6])
})

t.test('narrows when latency rises against the same operation\'s baseline, not for a slower operation', async (t) => {
  const limit = new AdaptiveLimit({ initial: 9, max: 10 })
  await drive(limit, 3, () => ({ ms: 100 }))
  t.equal(limit.limit, 10, 'flat: widens to the ceiling and stays')
  // A slower function is not queueing: its own first answers are its baseline.
  for (let i = 0; i < 20; i++) {
    const slot = await limit.acquire()
    slot.release({ operation: 'download', ms: 900, overloaded: false })
  }
  t.equal(limit.limit, 10)
  const widths = await drive(limit, 4, () => ({ ms: 400 }))
  t.same(widths, [9, 8, 7, 6], 'four times the baseline: 10 % off per window')
  const recovered = await drive(limit, 3, () => ({ ms: 110 }))
  t.same(recovered, [7, 8, 9])
})

t.test('waiting calls get places in order, foreground ones first', async (t) => {
  const limit = new AdaptiveLimit({ initial: 1, max: 4 })
  const first = await limit.acquire('background')
  const order: string[] = []
  const background = limit.acquire('background').then(slot => { order.push('background'); return slot })
  const foreground = limit.acquire('foreground').then(slot => { order.push('foreground'); return slot })
  t.equal(limit.queued, 2)
  first.release()
  const f = await foreground
  t.equal(limit.inFlight, 1)
  f.release()
  ;(await background).release()
  t.same(order, ['foreground', 'background'])
  t.equal(limit.inFlight, 0)
})

t.test('a slot released twice frees one place; reset starts again from a width within 1…max', async (t) => {
  const limit = new AdaptiveLimit({ initial: 0, max: 3 })
  t.equal(limit.limit, 1)
  const slot = await limit.acquire()
  slot.release()
  slot.release()
  t.equal(limit.inFlight, 0)
  limit.reset(50)
  t.equal(limit.limit, 3)
  limit.reset(2, 3)
  const record = recordWidth(limit)
  await drive(limit, 1, () => ({ ms: 1, overloaded: true }))
  limit.reset(2)
  t.same(record.stop(), { start: 2, min: 1, max: 2, final: 2 })
})

t.test('a ceiling at or below the start is a fixed width: neither overloads nor latency move it', async (t) => {
  const limit = new AdaptiveLimit({ initial: 4, max: 4 })
  await drive(limit, 3, () => ({ ms: 10, overloaded: true }))
  await drive(limit, 3, round => ({ ms: 10 * 10 ** round }))
  t.equal(limit.limit, 4)
  limit.reset(3, 8)
  await drive(limit, 1, () => ({ ms: 10, overloaded: true }))
  t.equal(limit.limit, 1, 'adaptive again under a higher ceiling')
  limit.reset(8, 8, false)
  t.notOk(limit.isFixed, 'at the ceiling and still adaptive when told')
  await drive(limit, 1, () => ({ ms: 10, overloaded: true }))
  t.equal(limit.limit, 4)
})

t.test('jitter of a few milliseconds on a fast upstream is not a rise', async (t) => {
  const limit = new AdaptiveLimit({ initial: 4, max: 8 })
  const widths = await drive(limit, 8, round => ({ ms: round === 0 ? 0.5 : 4 }))
  t.equal(Math.min(...widths), 5)
  t.equal(limit.limit, 8)
})

t.test('a call whose caller gave up leaves the line: it takes no place, and the next in line gets it', async (t) => {
  const limit = new AdaptiveLimit({ initial: 1, max: 4 })
  const held = await limit.acquire()
  const gone = new AbortController()
  const abandoned = limit.acquire('background', gone.signal)
  const next = limit.acquire('background')
  t.equal(limit.queued, 2)
  gone.abort(new Error('the client went away'))
  await t.rejects(abandoned, /the client went away/, 'the waiting call ends with the reason')
  t.equal(limit.queued, 1, 'and is out of the line')
  held.release()
  const slot = await next
  t.equal(limit.inFlight, 1, 'the freed place went to the next caller, none to the one that left')
  slot.release()
  t.equal(limit.inFlight, 0)
  await t.rejects(limit.acquire('foreground', gone.signal), /the client went away/, 'an already aborted call does not queue')
  t.equal(limit.queued, 0)
})
