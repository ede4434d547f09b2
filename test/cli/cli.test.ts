/**
 * The `spacelink` command as an operator uses it: real processes (`node --import tsx src/cli.ts …`) with
 * their exit codes, stdout and stderr, against the simulators; the help of every command; and the demo.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { Command } from 'commander'
import { buildCli } from '../../src/cli.js'
import { checkConfig } from '../../src/config/check.js'
import { demoConfigFor } from '../../src/demo/demo-config.js'
import { demoKeys, startDemo } from '../../src/demo/start-demo.js'
import { startCollectionSpaceSimulator } from '../../src/simulators/collectionspace/index.js'
import { startResourceSpaceSimulator } from '../../src/simulators/resourcespace/index.js'

const root = join(import.meta.dirname, '..', '..')

/** What the reference configuration needs from the environment (values as in .env.example). */
const exampleEnv: Record<string, string> = {
  SPACELINK_BUTTON_KEY: 'change-me-button-key-0123456789',
  SPACELINK_ADMIN_KEY: 'change-me-admin-key-0123456789',
  RS_API_KEY: 'rs-api-key',
  RS_WEBHOOK_SECRET: 'rs-webhook-secret',
  CS_ART_USER: 'art@example-museum.org',
  CS_ART_PASSWORD: 'art-password',
  CS_FILM_USER: 'film@example-museum.org',
  CS_FILM_PASSWORD: 'film-password'
}

interface Ran {
  /** Exit code; null when the command had to be killed (it did not exit within `exitWithinMs`). */
  code: number | null
  stdout: string
  stderr: string
}

/** A command that has done its work must also end: an operator's cron job or shell waits for the exit. */
const exitWithinMs = 15_000

/** Runs the CLI the way `npx spacelink …` would, without any configuration leaking in from this process. */
async function spacelink (args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SPACELINK_') && !(k in exampleEnv)))
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env: { ...clean, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const timer = setTimeout(() => {
    stderr += `\n[test] spacelink ${args.join(' ')} had not exited after ${exitWithinMs} ms; killed\n`
    child.kill('SIGKILL')
  }, exitWithinMs)
  const code = await new Promise<number | null>((resolve, reject) => { child.on('error', reject); child.on('close', resolve) })
  clearTimeout(timer)
  return { code, stdout, stderr }
}

async function tempDir (t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'spacelink-cli-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

t.test('config check accepts the reference configuration with its environment set', async t => {
  const ran = await spacelink(['config', 'check', '--config', 'spacelink.example.yaml'], exampleEnv)
  t.equal(ran.code, 0, ran.stderr)
  t.match(ran.stdout, /configuration spacelink\.example\.yaml is valid/)
  t.equal(ran.stderr, '')
})

t.test('config check on a bad file: exit 1, every problem printed with its key path', async t => {
  const file = join('test', 'fixtures', 'config', 'many-problems.yaml')
  const expected = checkConfig({ path: join(root, file), env: {} })
  t.ok(expected.length > 10, 'the fixture has many problems')
  const ran = await spacelink(['config', 'check', '--config', file])
  t.equal(ran.code, 1)
  for (const p of expected) t.ok(ran.stderr.includes(`${p.path}: ${p.message}`), `prints ${p.path}`)
  t.match(ran.stderr, new RegExp(`${expected.length} problem\\(s\\)`))
  t.equal(ran.stdout, '')

  const missingEnv = await spacelink(['config', 'check', '--config', 'spacelink.example.yaml'], { ...exampleEnv, RS_API_KEY: '' })
  t.equal(missingEnv.code, 1, 'an empty secret is a problem too')
  t.match(missingEnv.stderr, /resourcespace\.key: /)
})

t.test('bad usage exits 2 with the command help', async t => {
  const ran = await spacelink(['sync', 'art', '--limit', '0'])
  t.equal(ran.code, 2)
  t.match(ran.stderr, /--limit <n>' argument '0' is invalid/)
  t.match(ran.stderr, /Usage: spacelink sync \[options\] <instance>/)
  const unknown = await spacelink(['synk'])
  t.equal(unknown.code, 2)
  t.match(unknown.stderr, /unknown command 'synk'/)
})

/** Every command (and sub-command) with its help text, produced in-process through buildCli. */
async function helpOf (path: string[]): Promise<{ out: string, exitCode: number | undefined }> {
  const program = buildCli()
  let out = ''
  const quiet = (c: Command): void => {
    c.exitOverride().configureOutput({ writeOut: s => { out += s }, writeErr: s => { out += s } })
    for (const sub of c.commands) quiet(sub)
  }
  quiet(program)
  try {
    await program.parseAsync(['node', 'spacelink', ...path, '--help'])
    return { out, exitCode: undefined }
  } catch (err) {
    return { out, exitCode: (err as { exitCode?: number }).exitCode }
  }
}

t.test('--help on every command says what it does and lists its options', async t => {
  const expected: Record<string, RegExp[]> = {
    '': [/Usage: spacelink \[options\] \[command\]/, /serve/, /sync/, /validate/, /retrieve/, /push/, /config/, /migrate/, /demo/],
    serve: [/Usage: spacelink serve/, /HTTP server/],
    sync: [/Usage: spacelink sync \[options\] <instance>/, /--dry-run/, /--limit <n>/, /--refresh/, /--retry-failed/, /--concurrency <n>/],
    validate: [/Usage: spacelink validate \[options\] <instance> <rsid>/, /validate-cspace-id/],
    retrieve: [/Usage: spacelink retrieve/, /retrieve-metadata/, /--dry-run/],
    push: [/Usage: spacelink push/, /push-resource/, /--force/, /--size <code>/],
    config: [/Usage: spacelink config/, /check/],
    'config check': [/Usage: spacelink config check/, /key path/, /--config <file>/],
    migrate: [/Usage: spacelink migrate/, /migrations/],
    demo: [/Usage: spacelink demo/, /--port <n>/, /--latency <ms>/]
  }
  for (const [command, patterns] of Object.entries(expected)) {
    const { out, exitCode } = await helpOf(command === '' ? [] : command.split(' '))
    t.equal(exitCode, 0, `${command || 'spacelink'} --help exits 0`)
    for (const p of patterns) t.match(out, p, `${command || 'spacelink'} --help mentions ${p.source}`)
  }
  const real = await spacelink(['sync', '--help'])
  t.equal(real.code, 0, 'the real process too')
  t.match(real.stdout, /--retry-failed/)
})

t.test('against the simulators: sync --limit 5 prints the summary table; validate prints valid; unknown instance fails', async t => {
  const rs = await startResourceSpaceSimulator()
  t.teardown(() => rs.close())
  const cs = await startCollectionSpaceSimulator()
  t.teardown(() => cs.close())
  const dir = await tempDir(t)
  const config = demoConfigFor({ rs, cs }, { publicUrl: 'http://spacelink.test', databaseUrl: `sqlite:${join(dir, 'spacelink.db')}` })
  const file = join(dir, 'spacelink.json')
  await writeFile(file, JSON.stringify(config))

  const migrated = await spacelink(['--config', file, 'migrate'])
  t.equal(migrated.code, 0, migrated.stderr)
  t.match(migrated.stdout, /^applied \S+/)
  const again = await spacelink(['--config', file, 'migrate'])
  t.equal(again.stdout, 'database is up to date\n')

  const sync = await spacelink(['--config', file, 'sync', 'art', '--limit', '5'])
  t.equal(sync.code, 0, sync.stderr)
  t.match(sync.stdout, /^sync art: run [0-9a-f-]+ finished in \d+\.\d s, 5 item\(s\)$/m)
  t.match(sync.stdout, /^outcome\s+count$/m)
  t.match(sync.stdout, /^ambiguous\s+1$/m)
  t.match(sync.stdout, /^pushed\s+4$/m)
  t.match(sync.stdout, /^rsid\s+accession number\s+outcome\s+reason$/m, 'a failure table')
  t.match(sync.stdout, /^4\s+2001\.5\.1\s+ambiguous\s+ambiguous: accession number 2001\.5\.1 matches 2/m, 'the failure with its reason')
  t.equal(cs.state('art').media.length, 4, 'four media in CS')

  const validate = await spacelink(['--config', file, 'validate', 'art', '1'])
  t.equal(validate.code, 0, validate.stderr)
  t.match(validate.stdout, /^valid: /)
  t.match(validate.stdout, /2019\.12\.3/)
  t.match(validate.stdout, /^transaction [0-9a-f-]+$/m)

  const ambiguous = await spacelink(['--config', file, 'validate', 'art', '4'])
  t.equal(ambiguous.code, 0, 'an ambiguous number is a known outcome, not a failure of the command')
  t.match(ambiguous.stdout, /^ambiguous: /)

  const nosuch = await spacelink(['--config', file, 'sync', 'nosuch'])
  t.not(nosuch.code, 0)
  t.match(nosuch.stderr, /no CollectionSpace instance named 'nosuch'/)
  t.equal(nosuch.stdout, '')

  rs.faults.add({ match: () => true, kind: 'status', status: 503 })
  const down = await spacelink(['--config', file, 'sync', 'art'])
  t.equal(down.code, 1, 'RS down: the run cannot proceed')
  t.match(down.stdout, /^sync art: run [0-9a-f-]+ failed/m)
  t.match(down.stdout, /^error: .*ResourceSpace/im)
})

t.test('the demo starts: /health and /ready answer 200', async t => {
  const dir = await tempDir(t)
  const demo = await startDemo({ port: 0, databaseUrl: `sqlite:${join(dir, 'demo.db')}` })
  t.teardown(() => demo.close())
  t.match(demo.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  const health = await fetch(`${demo.url}/health`)
  t.equal(health.status, 200)
  const ready = await fetch(`${demo.url}/ready`)
  t.equal(ready.status, 200)
  const validate = await fetch(`${demo.url}/api/v1/callback?rsid=1&query_type=validate-cspace-id`, { method: 'POST', headers: { 'x-api-key': demoKeys.button, accept: 'application/json' } })
  t.equal(validate.status, 200, 'a button works against the demo')
  t.equal((await validate.json() as { outcome: string }).outcome, 'valid')
})
