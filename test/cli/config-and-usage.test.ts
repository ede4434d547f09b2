/** `spacelink config check`, usage errors and the help of every command, as an operator meets them. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { Command } from 'commander'
import { buildCli } from '../../src/cli.js'
import { checkConfig } from '../../src/config/check.js'
import { exampleEnv, root, spacelink } from '../helpers/cli.js'

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

t.test('config check refuses a free-text date mapped into an RS date field: exit 1, the mapping named', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'spacelink-check-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'spacelink.yaml')
  const reference = await readFile(join(root, 'spacelink.example.yaml'), 'utf8')
  const broken = reference.replace(
    'cs: collectionobjects_common/objectProductionDateGroupList/objectProductionDateGroup\n',
    'cs: collectionobjects_common/objectProductionDateGroupList/objectProductionDateGroup/dateDisplayDate\n'
  )
  t.not(broken, reference, 'the reference maps the structured date group')
  await writeFile(file, broken)
  const ran = await spacelink(['config', 'check', '--config', file], exampleEnv)
  t.equal(ran.code, 1)
  t.match(ran.stderr, /instances\.art\.mapping\[1\]\.cs: maps the CS free-text date part 'dateDisplayDate' into an RS date field/)
  t.equal(ran.stdout, '')
})
