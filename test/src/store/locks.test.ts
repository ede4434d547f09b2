import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { openStore, type Store } from '../../../src/store/index.js'
import { engines, freshDatabaseUrl, type Teardown } from '../../helpers/databases.js'

const holderScript = fileURLToPath(new URL('../../helpers/store-lock-holder.ts', import.meta.url))

/** Two stores on one database: two independent connections, as two replicas would have. */
async function twoStores (test: Teardown, engine: 'sqlite' | 'postgres', opts = {}): Promise<{ url: string, a: Store, b: Store }> {
  const url = await freshDatabaseUrl(test, engine)
  const a = await openStore(url, opts)
  test.teardown(() => a.close())
  const b = await openStore(url, opts)
  test.teardown(() => b.close())
  return { url, a, b }
}

/** Runs work under the lock of `key` and reports the highest number of holders seen at once. */
function overlapProbe () {
  let active = 0
  let maxActive = 0
  const order: string[] = []
  return {
    work (store: Store, key: string, label: string, ms = 40) {
      return store.locks.withResourceLock(key, async () => {
        active++
        maxActive = Math.max(maxActive, active)
        await sleep(ms)
        order.push(label)
        active--
        return label
      })
    },
    get maxActive () { return maxActive },
    order
  }
}

/** Starts the lock-holder script and waits for its first line (`locked` or `refused`). */
async function spawnHolder (test: Teardown, args: string[]): Promise<{ child: ChildProcess, said: string }> {
  const env = { ...process.env }
  // The test runner's own loader options are not for the child; tsx loads the TypeScript there.
  delete env.NODE_OPTIONS
  const child = spawn(process.execPath, ['--import', 'tsx', holderScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env })
  test.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const said = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lock holder said nothing within 120 s; stderr: ${stderr}`)), 120_000)
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('\n')) { clearTimeout(timer); resolve(out.trim()) }
    })
    child.once('exit', code => { clearTimeout(timer); reject(new Error(`lock holder exited with ${code}; stderr: ${stderr}`)) })
  })
  return { child, said }
}

async function kill (child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit')
  child.kill('SIGKILL')
  await exited
}

/** Polls `attempt` until it returns true; returns how long that took, or -1 after `withinMs`. */
async function msUntil (attempt: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = Date.now()
  while (Date.now() - started < withinMs) {
    if (await attempt()) return Date.now() - started
    await sleep(25)
  }
  return -1
}

for (const engine of engines) {
  t.test(`${engine}: resource locks`, async t => {
    const { a, b } = await twoStores(t, engine)

    t.test('work on one key never overlaps, even across two connections', async t => {
      const probe = overlapProbe()
      const results = await Promise.all([
        probe.work(a, 'rs:42', 'a1'), probe.work(b, 'rs:42', 'b1'), probe.work(a, 'rs:42', 'a2'), probe.work(b, 'rs:42', 'b2')
      ])
      t.same(results, ['a1', 'b1', 'a2', 'b2'], 'every caller gets its own result back')
      t.equal(probe.maxActive, 1, 'at most one holder at a time')
      t.equal(probe.order.length, 4)
    })

    t.test('work on different keys runs side by side (the probe does see overlap)', async t => {
      const probe = overlapProbe()
      await Promise.all([probe.work(a, 'rs:1', 'one', 150), probe.work(b, 'rs:2', 'two', 150)])
      t.equal(probe.maxActive, 2)
    })

    t.test('a caller that cannot get the lock in time gets LOCK_TIMEOUT (409)', async t => {
      let release!: () => void
      const holding = a.locks.withResourceLock('rs:7', () => new Promise<void>(resolve => { release = resolve }))
      await sleep(50)
      const started = Date.now()
      await t.rejects(b.locks.withResourceLock('rs:7', async () => 'never', { waitMs: 150 }), { code: 'LOCK_TIMEOUT', status: 409 }, 'other connection')
      t.ok(Date.now() - started < 2000, 'gives up near waitMs')
      await t.rejects(a.locks.withResourceLock('rs:7', async () => 'never', { waitMs: 100 }), { code: 'LOCK_TIMEOUT', status: 409 }, 'same store')
      release()
      await holding
      t.equal(await b.locks.withResourceLock('rs:7', async () => 'free again', { waitMs: 2000 }), 'free again')
    })

    t.test('a failing holder releases the lock and its error reaches the caller', async t => {
      await t.rejects(a.locks.withResourceLock('rs:8', async () => { throw new Error('push failed') }), { message: 'push failed' })
      t.equal(await b.locks.withResourceLock('rs:8', async () => 'next', { waitMs: 500 }), 'next')
    })
  })

  t.test(`${engine}: run lock`, async t => {
    const { a, b } = await twoStores(t, engine)

    t.test('one holder per instance; others are refused until it releases', async t => {
      t.equal(await a.locks.acquireRunLock('art', 'replica-1', 60_000), true)
      t.equal(await b.locks.acquireRunLock('art', 'replica-2', 60_000), false, 'second holder refused')
      t.equal(await b.locks.acquireRunLock('film', 'replica-2', 60_000), true, 'other instances are independent')
      t.equal(await a.locks.acquireRunLock('art', 'replica-1', 60_000), true, 'the holder may re-acquire')
      t.equal(await a.locks.heartbeatRunLock('art', 'replica-1', 60_000), true)
      t.equal(await b.locks.heartbeatRunLock('art', 'replica-2', 60_000), false, 'a non-holder cannot heartbeat')
      await b.locks.releaseRunLock('art', 'replica-2')
      t.equal((await a.locks.runLock('art'))?.holder, 'replica-1', 'a non-holder cannot release')
      await a.locks.releaseRunLock('art', 'replica-1')
      t.equal(await a.locks.runLock('art'), undefined)
      t.equal(await b.locks.acquireRunLock('art', 'replica-2', 60_000), true, 'free after release')
      t.equal(await a.locks.heartbeatRunLock('art', 'replica-1', 60_000), false, 'the released holder has lost it')
    })

    t.test('a holder that stopped heartbeating is taken over; its next heartbeat says it lost', async t => {
      t.equal(await a.locks.acquireRunLock('dead', 'dead-holder', 60), true)
      t.equal(await b.locks.acquireRunLock('dead', 'new-holder', 60_000), false, 'not before expiry')
      await sleep(100)
      t.equal(await b.locks.acquireRunLock('dead', 'new-holder', 60_000), true, 'taken over after expiry')
      t.equal(await a.locks.heartbeatRunLock('dead', 'dead-holder', 60_000), false)
      t.equal((await b.locks.runLock('dead'))?.holder, 'new-holder')
    })

    t.test('when several replicas race for an expired lock exactly one wins', async t => {
      t.equal(await a.locks.acquireRunLock('race', 'dead-holder', 10), true)
      await sleep(30)
      const wins = await Promise.all([a, b, a, b, a, b].map((s, i) => s.locks.acquireRunLock('race', `contender-${i}`, 60_000)))
      t.equal(wins.filter(Boolean).length, 1)
    })
  })

  t.test(`${engine}: locks held by a killed process`, async t => {
    const url = await freshDatabaseUrl(t, engine)
    const store = await openStore(url, { resourceLockTtlMs: 400 })
    t.teardown(() => store.close())

    t.test('the next sync run takes over the run lock of a killed one', async t => {
      // Long enough that a loaded machine still heartbeats in time; the takeover itself does not wait for it.
      const ttlMs = 2000
      const { child, said } = await spawnHolder(t, [url, 'run', 'art', 'sync-pid-1', String(ttlMs)])
      t.equal(said, 'locked')
      t.equal(await store.locks.acquireRunLock('art', 'sync-pid-2', 60_000), false, 'refused while the holder lives')
      await sleep(ttlMs * 2)
      t.equal(await store.locks.acquireRunLock('art', 'sync-pid-2', 60_000), false, 'a live holder keeps it past its TTL by heartbeating')
      await kill(child)
      const tookMs = await msUntil(() => store.locks.acquireRunLock('art', 'sync-pid-2', 60_000), 120_000)
      t.ok(tookMs >= 0, `taken over once the holder was killed (${tookMs} ms)`)
      t.equal((await store.locks.runLock('art'))?.holder, 'sync-pid-2')
    })

    t.test('a resource lock held by a killed process is freed', async t => {
      const { child, said } = await spawnHolder(t, [url, 'resource', 'rs:99', '400'])
      t.equal(said, 'locked')
      await t.rejects(store.locks.withResourceLock('rs:99', async () => 'x', { waitMs: 600 }), { code: 'LOCK_TIMEOUT' }, 'held while the holder lives')
      await kill(child)
      t.equal(await store.locks.withResourceLock('rs:99', async () => 'ours', { waitMs: 120_000 }), 'ours')
    })
  })
}
