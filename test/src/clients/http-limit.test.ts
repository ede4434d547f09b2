import { Readable } from 'node:stream'
import t from 'tap'
import type { Dispatcher } from 'undici'
import { inBackground, requestStream, requestText, type TextResponse, type UpstreamRequest } from '../../../src/clients/http.js'
import { createUpstreams } from '../../../src/clients/upstreams.js'
import { demoConfigFor } from '../../../src/demo/demo-config.js'
import { AdaptiveLimit } from '../../../src/util/adaptive-limit.js'

/** A dispatcher that answers each request when the test says so, with the status it says. */
function heldDispatcher (): { dispatcher: Dispatcher, sent: string[], answer: (status?: number) => void } {
  const sent: string[] = []
  const waiting: Array<(status: number) => void> = []
  const dispatcher = {
    request: async (opts: { path: string }) => {
      sent.push(opts.path)
      const statusCode = await new Promise<number>(resolve => { waiting.push(resolve) })
      return { statusCode, headers: {}, body: Readable.from([Buffer.from('ok')]) }
    }
  } as unknown as Dispatcher
  return { dispatcher, sent, answer: (status = 200) => { waiting.shift()?.(status) } }
}

const settle = async (): Promise<void> => { for (let i = 0; i < 10; i++) await new Promise(resolve => setImmediate(resolve)) }

const req = (path: string, limit: AdaptiveLimit): UpstreamRequest =>
  ({ system: 'resourcespace', operation: 'update_field', method: 'GET', url: new URL(`http://rs.test${path}`), limit })

t.test('a button\'s call waiting for a full upstream goes before the nightly run\'s calls that waited longer', async t => {
  const limit = new AdaptiveLimit({ initial: 1, max: 1 })
  const { dispatcher, sent, answer } = heldDispatcher()
  const night1 = inBackground(async () => await requestText(dispatcher, req('/night-1', limit)))
  const night2 = inBackground(async () => await requestText(dispatcher, req('/night-2', limit)))
  await settle()
  const button = requestText(dispatcher, req('/button', limit))
  await settle()
  t.same(sent, ['/night-1'], 'one call in flight: the width')
  answer()
  await settle()
  t.same(sent, ['/night-1', '/button'])
  answer()
  await settle()
  answer()
  await Promise.all([night1, night2, button])
  t.same(sent, ['/night-1', '/button', '/night-2'])
  t.equal(limit.inFlight, 0)
})

/** One call through `limit`, answered with `status`. */
async function answeredWith (limit: AdaptiveLimit, status: number): Promise<TextResponse> {
  const { dispatcher, answer } = heldDispatcher()
  const call = requestText(dispatcher, req('/a', limit))
  await settle()
  answer(status)
  return await call
}

t.test('503 and 429 answers narrow the upstream\'s limit; a stream gives its place back at the headers', async t => {
  const limit = new AdaptiveLimit({ initial: 8, max: 16 })
  const { dispatcher, answer } = heldDispatcher()
  t.equal((await answeredWith(limit, 503)).statusCode, 503)
  t.equal(limit.limit, 4)
  await answeredWith(limit, 429)
  t.equal(limit.limit, 2)
  const stream = requestStream(dispatcher, { ...req('/download', limit), operation: 'download' })
  await settle()
  t.equal(limit.inFlight, 1)
  answer(200)
  const res = await stream
  t.equal(limit.inFlight, 0, 'released before the body is read')
  for await (const chunk of res.body) t.ok(chunk)
})

t.test('a call that times out narrows the limit like a 503; one refused for another reason does not', async t => {
  const limit = new AdaptiveLimit({ initial: 8, max: 16 })
  const failing = (code: string): Dispatcher => ({
    request: async () => { throw Object.assign(new Error(code), { code }) }
  }) as unknown as Dispatcher
  await t.rejects(requestText(failing('ECONNREFUSED'), req('/a', limit)), { code: 'UPSTREAM_UNREACHABLE' })
  t.equal(limit.limit, 8)
  await t.rejects(requestText(failing('UND_ERR_HEADERS_TIMEOUT'), req('/b', limit)), { code: 'UPSTREAM_TIMEOUT' })
  t.equal(limit.limit, 4)
  t.equal(limit.inFlight, 0)
})

t.test('502 and 504 from the proxy in front narrow the limit too (nginx before a full PHP-FPM)', async t => {
  const limit = new AdaptiveLimit({ initial: 8, max: 16 })
  await answeredWith(limit, 502)
  t.equal(limit.limit, 4)
  await answeredWith(limit, 504)
  t.equal(limit.limit, 2)
})

t.test('a fast error answer (404, 500) teaches no latency: good answers after it are not taken for queueing', async t => {
  const limit = new AdaptiveLimit({ initial: 4, max: 8 })
  // The baseline for update_field: answers of about 200 ms (the held dispatcher answers at once, so these
  // samples go in directly through a slot, as the HTTP layer hands them).
  const slot = await limit.acquire()
  slot.release({ operation: 'update_field', ms: 200, overloaded: false })
  for (const status of [404, 500, 401]) {
    const { dispatcher, answer } = heldDispatcher()
    const call = requestText(dispatcher, req('/fast-error', limit))
    await settle()
    answer(status)
    t.equal((await call).statusCode, status)
  }
  // Were the near-instant errors learnt, 200 ms would now be twenty times the baseline and the width would fall.
  for (let round = 0; round < 3; round++) {
    const slots = await Promise.all(Array.from({ length: limit.limit }, async () => await limit.acquire()))
    for (const s of slots) s.release({ operation: 'update_field', ms: 210, overloaded: false })
  }
  t.ok(limit.limit >= 4, `not narrowed (width ${limit.limit})`)
})

t.test('RS and each CS instance have a limit of their own: an RS overload leaves the CS widths alone', async t => {
  const config = demoConfigFor(
    { rs: { apiUrl: 'http://rs.test/api/', user: 'u', key: 'k' }, cs: { servicesUrl: 'http://cs.test/cspace-services/' } },
    { databaseUrl: 'sqlite::memory:' }
  )
  const upstreams = createUpstreams(config)
  t.teardown(upstreams.close)
  const names = Object.keys(config.instances)
  t.ok(names.length >= 2, 'the demo has several CS instances')
  const limits = [upstreams.rs.limit, ...names.map(name => upstreams.cs(name).limit)]
  t.equal(new Set(limits).size, limits.length, 'one limit each')
  for (const limit of limits) {
    t.equal(limit?.limit, config.sync.concurrency)
    t.equal(limit?.max, Math.max(config.sync.concurrency, config.sync.maxConcurrency))
  }
  const slot = await upstreams.rs.limit?.acquire()
  slot?.release({ operation: 'update_field', ms: 5, overloaded: true })
  t.ok((upstreams.rs.limit?.limit ?? 0) < config.sync.concurrency, 'RS narrowed')
  for (const name of names) t.equal(upstreams.cs(name).limit?.limit, config.sync.concurrency, `cs:${name} as it was`)
})
