import { Readable } from 'node:stream'
import t from 'tap'
import type { Dispatcher } from 'undici'
import { inBackground, requestStream, requestText, type UpstreamRequest } from '../../../src/clients/http.js'
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

t.test('503 and 429 answers narrow the upstream\'s limit; a stream gives its place back at the headers', async t => {
  const limit = new AdaptiveLimit({ initial: 8, max: 16 })
  const { dispatcher, answer } = heldDispatcher()
  const call = requestText(dispatcher, req('/a', limit))
  await settle()
  answer(503)
  t.equal((await call).statusCode, 503)
  t.equal(limit.limit, 4)
  const other = requestText(dispatcher, req('/b', limit))
  await settle()
  answer(429)
  await other
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
