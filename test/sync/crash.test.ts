/** A run killed with SIGKILL mid-push: the next run takes over at once and finishes the job, no duplicate, no orphan. */
import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { engines, type Engine } from '../helpers/databases.js'
import { runSync } from '../../src/sync/engine.js'
import { startHarness } from '../helpers/harness.js'
import { synced, artCandidates, artPushed, itemOutcomes, assertCsConsistent } from '../helpers/sync-expectations.js'

for (const engine of engines) {
  t.test(`kill -9 mid-run (${engine}): the next run takes over at once and finishes the job with no duplicate and no orphan`, async t => {
    await killedRunIsFinishedByTheNext(t, engine)
  })
}

async function killedRunIsFinishedByTheNext (t: Test, engine: Engine): Promise<void> {
  const h = await startHarness(t, { engine })
  // A long TTL: the takeover must not depend on the dead holder's row expiring.
  const ttlMs = 60_000
  const { store } = h.app.spacelink
  // The first pushes finish; every later one stops between its blob and its media record (CS never answers
  // POST /media), so the kill lands mid-push however fast or slow this machine is.
  const finishing = 6
  let mediaPosts = 0
  const frozen = h.cs.faults.add({ match: r => r.operation === 'POST /media' && ++mediaPosts > finishing, kind: 'hang' })
  h.cs.faults.add({ match: () => true, kind: 'latency', ms: 15 })
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/sync-child.ts', 'art'], {
    env: {
      ...process.env,
      SYNC_CHILD_RS_API_URL: h.rs.apiUrl,
      SYNC_CHILD_CS_SERVICES_URL: h.cs.servicesUrl,
      SYNC_CHILD_DATABASE_URL: h.config.database.url,
      SYNC_CHILD_LOCK_TTL_MS: String(ttlMs)
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  let childRunId = ''
  createInterface({ input: child.stdout }).on('line', line => {
    if (line.startsWith('started ')) childRunId = line.slice('started '.length)
  })
  while (frozen.hits < 3 && child.exitCode === null) await sleep(20)
  const cs = h.cs.state('art')
  t.ok(cs.blobs.length - cs.media.length >= 3, `killed with ${cs.blobs.length - cs.media.length} pushes between blob and media (stderr: ${stderr.slice(0, 500)})`)
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
  }
  t.equal(child.signalCode, 'SIGKILL', 'the run was killed, it did not end by itself')
  t.not(childRunId, '', 'the killed run had started')
  h.cs.faults.clear()
  h.cs.faults.releaseHung()

  const lock = await store.locks.runLock('art')
  t.ok(lock !== undefined && Date.parse(lock.expiresAt) > Date.now(), 'the dead run\'s lock row has not expired yet')

  // Its holder is gone (its process on SQLite, its session on PostgreSQL): no waiting for the TTL.
  const summary = await runSync(h.app.spacelink, 'art', { lockTtlMs: 60_000 })
  t.equal(summary.status, 'finished')
  t.equal((await store.syncRuns.get(childRunId))?.status, 'interrupted', 'the killed run is marked interrupted')
  const previous = await itemOutcomes(h, childRunId)
  const now = await itemOutcomes(h, summary.runId)
  // A kill can land after a push told RS (synced = true) but before its run recorded the item: such a
  // resource is done, and the next run rightly leaves it alone. Every other resource is in a run's items.
  const covered = new Set([...previous.keys(), ...now.keys()])
  const unrecorded = artCandidates.filter(rsid => !covered.has(rsid))
  t.same(unrecorded.filter(rsid => h.rsField(rsid, synced) !== 'true'), [], 'every resource was dealt with by one of the two runs')
  t.notOk([...previous].some(([rsid, o]) => o === 'pushed' && now.has(rsid)), 'what the killed run finished is not done again')
  assertCsConsistent(t, h, 'art', artPushed)
  for (const rsid of artPushed) t.equal(h.rsField(rsid, synced), 'true', `RS ${rsid}: synced`)
}
