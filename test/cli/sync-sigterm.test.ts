/**
 * A deploy during the night: `spacelink sync` gets SIGTERM while pushes are in flight. It lets them finish,
 * starts nothing new, records the run as interrupted with how far it got, prints its summary and exits 1
 * (a cron wrapper must notice); the next run picks up the rest, and CS ends with every image exactly once.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { openStore } from '../../src/store/index.js'
import { assertNoOrphans } from '../helpers/cs-invariants.js'
import { exampleEnv, root, simulatorsWithConfigFile, spacelink } from '../helpers/cli.js'
import { artCandidates, artPushed, rsidOfMedia } from '../helpers/sync-expectations.js'

t.test('SIGTERM during a sync: in-flight pushes finish, the run is recorded as interrupted, the next run finishes the rest once', async t => {
  const { cs, file, databaseUrl } = await simulatorsWithConfigFile(t)
  t.equal((await spacelink(['--config', file, 'migrate'])).code, 0)

  // The first push finishes; the next ones wait at POST /media until the signal has been sent, so the
  // signal lands mid-push however fast or slow this machine is.
  let release = (): void => {}
  const released = new Promise<void>(resolve => { release = resolve })
  let mediaPosts = 0
  const held = cs.faults.add({ match: r => r.operation === 'POST /media' && ++mediaPosts > 1, kind: 'hold', until: released })

  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SPACELINK_') && !(k in exampleEnv)))
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--config', file, 'sync', 'art', '--concurrency', '2', '--max-concurrency', '2'], {
    cwd: root, env: { ...clean, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = once(child, 'exit')

  while (held.hits < 2 && child.exitCode === null) await sleep(20)
  t.ok(held.hits >= 2, `pushes are in flight when the signal comes (stderr: ${stderr.slice(0, 300)})`)
  child.kill('SIGTERM')
  // The held pushes go on only once the CLI has taken the signal: from then on it must start no new item.
  while (!stderr.includes('sync: SIGTERM: stopping once the items in flight are done') && child.exitCode === null) await sleep(20)
  release()
  const [code] = await exited as [number | null]

  t.equal(code, 1, `an interrupted run exits 1 (stderr: ${stderr.slice(0, 300)})`)
  t.match(stdout, /^sync art: run [0-9a-f-]+ interrupted/m, 'the summary says the run was interrupted')
  t.match(stdout, /stopped by shutdown after \d+ of \d+ item\(s\); the next run picks up the rest/)
  const media = cs.state('art').media.filter(m => m.workflowState !== 'deleted')
  t.ok(media.length >= 3 && media.length < artPushed.length, `the held pushes finished, nothing new started (${media.length} media)`)
  assertNoOrphans(t, cs.state('art'), ' after the interrupted run')

  const store = await openStore(databaseUrl)
  t.teardown(() => store.close())
  const first = (await store.syncRuns.list({ instance: 'art', page: 0, size: 10 })).items
  t.equal(first.length, 1)
  t.equal(first[0]?.status, 'interrupted')
  const [, done, total] = /after (\d+) of (\d+) item/.exec(first[0]?.error ?? '') ?? []
  t.equal(Number(total), artCandidates.length, 'the run record says how far it got: of every candidate …')
  t.ok(Number(done) >= media.length && Number(done) < artCandidates.length, `… ${done} done, the pushes among them finished`)

  const next = await spacelink(['--config', file, 'sync', 'art'])
  t.equal(next.code, 0, next.stderr)
  const after = cs.state('art').media.filter(m => m.workflowState !== 'deleted')
  t.same(after.map(m => rsidOfMedia(m.identificationNumber)).sort((a, b) => a - b), artPushed, 'every pushable image is in CS exactly once')
  assertNoOrphans(t, cs.state('art'), ' after the next run')
})
