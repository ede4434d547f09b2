/**
 * One runtime from tests to image: the Node major these tests run on is the one the Dockerfile ships (and
 * .nvmrc names), no installed package asks for another, the Dockerfile passes a Dockerfile linter, and the
 * image's own start and healthcheck commands work on a build laid out as in the image (no container engine
 * is needed: the commands are read from the Dockerfile and run here).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { spawn, execFile } from 'node:child_process'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import semver from 'semver'
import { validate } from 'dockerfile-utils'
import { parse as parseYaml } from 'yaml'

const root = join(import.meta.dirname, '..', '..')
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8')
const major = process.versions.node.split('.')[0]

t.test('the Node major of the tests is the image\'s, .nvmrc\'s and within package.json engines', async t => {
  const bases = [...dockerfile.matchAll(/^FROM\s+node:(\d+)[^\s]*/gm)].map(m => m[1])
  t.ok(bases.length >= 2, 'build and runtime stages')
  for (const base of bases) t.equal(base, major, `FROM node:${base ?? '?'}`)
  t.equal(readFileSync(join(root, '.nvmrc'), 'utf8').trim(), major)
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }
  t.ok(semver.satisfies(process.version, pkg.engines.node), `${process.version} satisfies ${pkg.engines.node}`)
})

t.test('no installed package declares an engine this runtime does not meet', async t => {
  const refused: string[] = []
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.')) continue
      const path = join(dir, name)
      if (name.startsWith('@')) { walk(path); continue }
      const manifest = join(path, 'package.json')
      if (existsSync(manifest)) {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string, version?: string, engines?: { node?: unknown } }
        const wanted = pkg.engines?.node
        if (typeof wanted === 'string' && semver.validRange(wanted) !== null && !semver.satisfies(process.version, wanted, { includePrerelease: true })) refused.push(`${pkg.name ?? name}@${pkg.version ?? '?'} wants node ${wanted}`)
      }
      walk(join(path, 'node_modules'))
    }
  }
  walk(join(root, 'node_modules'))
  t.same(refused, [])
})

t.test('the Dockerfile passes the Dockerfile linter', async t => {
  const problems = validate(dockerfile).map(d => `line ${d.range.start.line + 1}: ${d.message}`)
  t.same(problems, [])
})

/** The runtime stage's ENV, WORKDIR, CMD and HEALTHCHECK command, as docker would read them. */
function runtimeStage (): { env: Record<string, string>, cmd: string[], healthcheck: string } {
  const stage = dockerfile.split(/^FROM /m).pop() ?? ''
  const joined = stage.replace(/\\\n\s*/g, ' ')
  const env: Record<string, string> = {}
  for (const line of joined.split('\n').filter(l => l.startsWith('ENV '))) {
    // A value with spaces is quoted (NODE_OPTIONS), as docker reads it.
    for (const m of line.slice(4).matchAll(/([A-Z_]+)=(?:"([^"]*)"|(\S+))/g)) env[m[1]!] = m[2] ?? m[3]!
  }
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(joined)?.[1] ?? '[]') as string[]
  const healthcheck = /^HEALTHCHECK .*? CMD (.*)$/m.exec(joined)?.[1] ?? ''
  return { env, cmd, healthcheck }
}

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise(resolve => server.close(resolve))
  return port
}

/** The variables a `.env` made from `.env.example` sets, as `docker run --env-file` reads it (no quotes, no expansion). */
function envFileExample (): Record<string, string> {
  const lines = readFileSync(join(root, '.env.example'), 'utf8').split('\n')
  return Object.fromEntries(lines.filter(line => /^[A-Z_][A-Z0-9_]*=/.test(line)).map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]))
}

t.test('the image\'s start and healthcheck commands work on a tree laid out as in the image, with the README\'s --env-file .env', async t => {
  const { env, cmd, healthcheck } = runtimeStage()
  t.same(cmd, ['node', 'dist/src/cli.js', 'serve'])
  t.match(healthcheck, /^node -e /)
  // The server below starts with them: Node refuses a flag it does not allow in NODE_OPTIONS.
  t.match(env.NODE_OPTIONS, /^--max-old-space-size=\d+ --max-semi-space-size=\d+$/, 'the image\'s memory settings, read as docker reads them')
  const dir = await mkdtemp(join(tmpdir(), 'spacelink-image-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const app = join(dir, 'app')
  await mkdir(app)
  // As the build stage: compile into dist/; as the runtime stage: dist, node_modules, package.json, the example config.
  await promisify(execFile)(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', join(app, 'dist')],
    { cwd: root }
  )
  await symlink(join(root, 'node_modules'), join(app, 'node_modules'))
  await cp(join(root, 'package.json'), join(app, 'package.json'))
  await cp(join(root, 'spacelink.example.yaml'), join(app, 'spacelink.example.yaml'))
  // The image's absolute paths (/config, /data) are volumes; here they live under the temporary directory.
  const rebase = (value: string): string => value.replace(/(^|:)\/(config|data)\//, `$1${dir}/$2/`)
  await mkdir(join(dir, 'config'))
  await mkdir(join(dir, 'data'))
  await writeFile(rebase(env.SPACELINK_CONFIG ?? ''), readFileSync(join(root, 'spacelink.example.yaml')))
  const port = await freePort()
  // docker run: the image's ENV, then --env-file .env (copied from .env.example, keys filled in) wins over it.
  const dotenv = envFileExample()
  t.notOk('SPACELINK_CONFIG' in dotenv || 'DATABASE_URL' in dotenv, '.env.example does not move the image\'s config or database')
  const runEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    ...Object.fromEntries(Object.entries({ ...env, ...dotenv }).map(([k, v]) => [k, rebase(v)])),
    PORT: String(port),
    SPACELINK_BUTTON_KEY: 'button-key-0123456789abcdef',
    SPACELINK_ADMIN_KEY: 'admin-key-0123456789abcdef',
    RS_API_KEY: 'rs-key',
    RS_WEBHOOK_SECRET: 'webhook-secret',
    CS_ART_USER: 'u',
    CS_ART_PASSWORD: 'p',
    CS_FILM_USER: 'u',
    CS_FILM_PASSWORD: 'p',
    LOG_LEVEL: 'warn'
  }
  const [bin = 'node', ...args] = cmd
  const server = spawn(bin === 'node' ? process.execPath : bin, args, { cwd: app, env: runEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  server.stdout.on('data', (d: Buffer) => { output += d.toString() })
  server.stderr.on('data', (d: Buffer) => { output += d.toString() })
  const exited = new Promise<number | null>(resolve => server.on('close', resolve))
  t.teardown(() => { if (server.exitCode === null) server.kill('SIGKILL') })

  const check = async (): Promise<number | null> => await new Promise(resolve => {
    const probe = spawn('sh', ['-c', healthcheck], { cwd: app, env: runEnv, stdio: 'ignore' })
    probe.on('close', resolve)
  })
  let healthy = false
  for (let attempt = 0; attempt < 300 && server.exitCode === null; attempt++) {
    if (await check() === 0) { healthy = true; break }
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  t.ok(healthy, `the healthcheck passes once the server is up${healthy ? '' : `: ${output}`}`)
  t.ok(existsSync(join(dir, 'data', 'spacelink.db')), 'the database is in the data volume')
  server.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM: a clean exit')
  t.equal(await check(), 1, 'the healthcheck fails once the server is gone')
})

t.test('compose.yaml: two replicas on PostgreSQL behind the proxy, built from this Dockerfile', async t => {
  const compose = parseYaml(readFileSync(join(root, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, { build?: string, image?: string, environment?: Record<string, string>, depends_on?: Record<string, unknown> | string[] }>
    configs: { nginx: { content: string } }
  }
  const replicas = Object.entries(compose.services).filter(([, s]) => s.build === '.')
  t.equal(replicas.length, 2)
  for (const [name, s] of replicas) {
    t.match(s.environment?.DATABASE_URL ?? '', /^postgres:\/\/.*@db:5432\//, `${name} uses PostgreSQL`)
    t.ok(compose.configs.nginx.content.includes(`server ${name}:3000`), `the proxy routes to ${name}`)
  }
  t.match(compose.services.db?.image ?? '', /^postgres:/)
})
