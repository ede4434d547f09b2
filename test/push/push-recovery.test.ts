/**
 * A push survives losing spacelink: the server shut down or the process killed in the middle of a
 * push, and the database lost altogether. The next press, on a new process, finishes the push from
 * what the database and CS still know, and CS ends up with exactly one blob, media record and
 * relation each way.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildServer } from '../../src/server.js'
import type { Config } from '../../src/config/schema.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { freshDatabaseUrl } from '../helpers/databases.js'
import { assertPushedOnce } from '../helpers/cs-invariants.js'
import { defaultResourceLockTtlMs } from '../../src/store/locks.js'

const redHills = { rsid: 1, objectCsid: '87674c8f-296d-4682-a795' }
const childScript = new URL('../helpers/push-child.ts', import.meta.url).pathname

interface Answer { statusCode: number, body: { outcome?: string, message?: string } }

async function push (app: FastifyInstance, h: Harness, rsid = redHills.rsid): Promise<Answer> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/callback?rsid=${rsid}&query_type=push-resource`,
    headers: { 'x-api-key': h.keys.button, accept: 'application/json' }
  })
  return { statusCode: res.statusCode, body: res.json() }
}

/** Another spacelink process image: a new app on `config` (the same upstreams), closed when the test ends. */
async function newApp (t: Test, config: Config): Promise<FastifyInstance> {
  const app = await buildServer(config, { schedule: false })
  t.teardown(() => app.close())
  await app.ready()
  return app
}

async function until (what: string, condition: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await sleep(10)
  }
}

t.test('memory lost after a push: the next push adopts the media record instead of pushing again', async t => {
  const h = await startHarness(t)
  t.equal((await push(h.app, h)).statusCode, 201)
  const before = assertPushedOnce(t, h.cs.state('art'), redHills.objectCsid, 'after the first push')

  const amnesiac = await newApp(t, { ...h.config, database: { ...h.config.database, url: await freshDatabaseUrl(t, 'sqlite') } })
  const again = await push(amnesiac, h)
  t.equal(again.statusCode, 201)
  t.equal(again.body.outcome, 'pushed')
  t.match(again.body.message, /adopting the media an earlier push had created/)
  const after = assertPushedOnce(t, h.cs.state('art'), redHills.objectCsid, 'after the adopting push')
  t.same(after, before, 'the same blob and media record as before')
  t.equal(h.cs.state().calls['POST /blobs'], 1, 'the bytes were not sent again')
  t.equal((await push(amnesiac, h)).body.outcome, 'already-pushed', 'the new memory knows it now')
})

t.test('memory lost in the middle of a push: the next push adopts what CS has and adds what is missing', async t => {
  const h = await startHarness(t)
  let seen = 0
  h.cs.faults.add({ match: req => req.operation === 'POST /relations' && ++seen === 2, kind: 'status', status: 500, times: 1 })
  t.equal((await push(h.app, h)).statusCode, 502, 'the first push stops after one relation')
  t.equal(h.cs.state('art').relations.length, 1)

  const amnesiac = await newApp(t, { ...h.config, database: { ...h.config.database, url: await freshDatabaseUrl(t, 'sqlite') } })
  const again = await push(amnesiac, h)
  t.equal(again.statusCode, 201)
  t.match(again.body.message, /adopting/)
  assertPushedOnce(t, h.cs.state('art'), redHills.objectCsid)
  t.equal(h.rsField(redHills.rsid, 89), 'true')
})

/** One POST over a real, non-keep-alive connection (as RS's PHP sends it), answered or failed. */
async function postOverHttp (url: string, headers: Record<string, string>): Promise<Answer> {
  return await new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers, agent: false }, res => {
      let text = ''
      res.on('data', (chunk: Buffer) => { text += chunk.toString() })
      res.on('end', () => { resolve({ statusCode: res.statusCode ?? 0, body: JSON.parse(text) }) })
    })
    req.on('error', reject)
    req.end()
  })
}

for (const engine of ['postgres', 'sqlite'] as const) {
  t.test(`the server shut down while POST /relations hangs (${engine}): the press is told, the next app finishes the push`, async t => {
    const h = await startHarness(t, { engine, configure: c => { for (const instance of Object.values(c.instances)) instance.cspace.timeoutMs = 1000 } })
    const doomed = await buildServer(h.config, { schedule: false })
    await doomed.listen({ host: '127.0.0.1', port: 0 })
    const { port } = doomed.server.address() as AddressInfo
    h.cs.faults.add({ match: { operation: 'POST /relations' }, kind: 'hang', times: 1 })
    const inFlight = postOverHttp(
      `http://127.0.0.1:${port}/api/v1/callback?rsid=${redHills.rsid}&query_type=push-resource`,
      { 'x-api-key': h.keys.button, accept: 'application/json' }
    )
    await until('the push reached POST /relations', () => (h.cs.state().calls['POST /relations'] ?? 0) >= 1)
    // A graceful shutdown (SIGTERM): no new presses, the one in flight ends before pools and database close.
    const closing = doomed.close()
    const interrupted = await inFlight
    await closing
    t.equal(interrupted.statusCode, 504, 'the press in flight is answered: CS did not answer in time')
    t.equal(interrupted.body.outcome, 'upstream-error')
    t.match(h.rsField(redHills.rsid, 91), /upstream-error: CollectionSpace did not answer POST \/relations in time/)
    t.equal(h.cs.state('art').media.length, 1, 'it got as far as the media record')
    // Both relations are asked for at once: the one that did not hang may be there (recorded on the link).
    t.ok(h.cs.state('art').relations.length <= 1, 'at most the relation that did not hang')

    const next = await newApp(t, h.config)
    const started = Date.now()
    const again = await push(next, h)
    t.equal(again.statusCode, 201, 'the next press, on a new app, finishes the push')
    t.ok(Date.now() - started < defaultResourceLockTtlMs, 'no wait for a lock of the closed app (it would last the lock\'s whole TTL)')
    assertPushedOnce(t, h.cs.state('art'), redHills.objectCsid)
    t.equal(h.cs.state().calls['POST /media'], 1, 'the media record was not created again')
    t.equal(h.rsField(redHills.rsid, 89), 'true')
  })
}

/** Starts a spacelink process that pushes `rsid`; resolves once it is up. */
async function startChild (t: Test, config: Config, rsid: number): Promise<{ child: ChildProcess, output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, String(rsid)], {
    env: { ...process.env, SPACELINK_TEST_CONFIG: JSON.stringify(config), LOG_LEVEL: 'silent', FASTIFY_AUTOLOAD_TYPESCRIPT: '1' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => { out += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { out += chunk.toString() })
  await until('the child is ready', () => out.includes('ready') || child.exitCode !== null)
  if (child.exitCode !== null) throw new Error(`the push process ended early: ${out}`)
  return { child, output: () => out }
}

async function kill (child: ChildProcess): Promise<void> {
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

interface KillCase {
  operation: 'POST /blobs' | 'POST /media' | 'POST /relations'
  /** True: CS finishes the write after the process died (the answer is lost). False: CS never writes. */
  late: boolean
  /** How far the link got before the killed step. */
  step: string
  engine: 'postgres' | 'sqlite'
}

const killCases: KillCase[] = [
  { operation: 'POST /blobs', late: true, step: 'started', engine: 'postgres' },
  { operation: 'POST /media', late: true, step: 'blob-created', engine: 'postgres' },
  { operation: 'POST /relations', late: false, step: 'media-created', engine: 'postgres' },
  { operation: 'POST /relations', late: true, step: 'media-created', engine: 'postgres' },
  // The relations are recorded together once both have answered: a relation CS made before the kill is
  // in no link row, and the next press must find it instead of making a second.
  { operation: 'POST /relations', late: true, step: 'media-created', engine: 'sqlite' }
]

for (const { operation, late, step, engine } of killCases) {
  const what = late ? 'CS finishes the write after the process died' : 'CS never writes'
  t.test(`the process killed (SIGKILL) during ${operation}, ${what} (${engine}): the next press finishes the push once`, async t => {
    const h = await startHarness(t, { engine })
    // hang: CS neither answers nor writes. latency: CS writes and answers only after the process is gone.
    const fault = h.cs.faults.add(late ? { match: { operation }, kind: 'latency', ms: 500, times: 1 } : { match: { operation }, kind: 'hang', times: 1 })
    const writes = (): number => h.cs.state('art').writes.length
    const { child, output } = await startChild(t, h.config, redHills.rsid)
    // A fault fires once CS has the whole request (for a blob: every byte), so the kill comes after that.
    await until(`CS received ${operation}`, () => fault.hits >= 1)
    const writesBeforeKill = writes()
    await kill(child)
    t.notMatch(output(), /statusCode/, 'the process died before it could answer')
    if (late) await until('the late write landed in CS', () => writes() === writesBeforeKill + 1)
    t.equal(writes(), writesBeforeKill + (late ? 1 : 0))

    const [link] = await h.app.spacelink.store.links.findByRsid(redHills.rsid)
    t.equal(link?.step, step, 'spacelink remembers how far the dead process got')

    // The dead process's database lock went with its connection: this press does not wait for it.
    const started = Date.now()
    const again = await push(h.app, h)
    t.equal(again.statusCode, 201)
    t.ok(Date.now() - started < defaultResourceLockTtlMs, 'no wait for a lock of the dead process (it would last the lock\'s whole TTL)')
    assertPushedOnce(t, h.cs.state('art'), redHills.objectCsid)
    const calls = h.cs.state().calls
    const repeated = late ? 0 : 1
    t.equal(calls['POST /blobs'], 1 + (operation === 'POST /blobs' ? repeated : 0), 'the bytes were sent once')
    t.equal(calls['POST /media'], 1 + (operation === 'POST /media' ? repeated : 0), 'the media record was created once')
    // Relations counted as CS stored them, not as requests: the two are sent at once, so the kill can cut
    // the other one's request half-way, and CS counts a request it never finished reading.
    const relationsMade = h.cs.state('art').writes.filter(w => w.action === 'create' && w.service === 'relations').length
    t.equal(relationsMade, 2, 'each relation was created once')
  })
}
