/**
 * (4) Cold start: from spawning `spacelink serve` to the first 200 from `/ready` (config loaded,
 * migrations checked, database usable), the way the dev scripts start it (tsx, TypeScript compiled in
 * memory on every start) and, when it can be built, from compiled JavaScript as `npm start` runs it.
 */
import { spawn } from 'node:child_process'
import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import { benchDir } from './child.js'
import { fixed, table } from './format.js'
import { startUpstreams } from './upstreams.js'

const root = join(benchDir, '..')

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  await new Promise<void>(resolve => server.close(() => { resolve() }))
  return port
}

/** Milliseconds from spawn to the first 200 of /ready; the process is stopped afterwards. */
async function timeToReady (command: string, args: string[], env: Record<string, string>, port: number, cwd: string): Promise<number> {
  const started = performance.now()
  // A process group of its own: tsx runs the server in a grandchild, which must be stopped too.
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  let exited = false
  child.on('exit', () => { exited = true })
  try {
    for (;;) {
      if (exited) throw new Error(`exited before it was ready: ${stderr.slice(-1500)}`)
      if (performance.now() - started > 60_000) throw new Error('not ready after 60 s')
      const ok = await fetch(`http://127.0.0.1:${port}/ready`).then(r => r.status === 200, () => false)
      if (ok) return performance.now() - started
      await sleep(10)
    }
  } finally {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    } catch {
      // The group is gone already.
    }
  }
}

/** Compiles src, plugins and routes to a scratch directory (never into the working tree) for the `node` start. */
export async function buildToScratch (): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'spacelink-dist-'))
  await promisify(execFile)(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', out, '--sourceMap', 'false'],
    { cwd: root }
  )
    .catch((err: { stdout?: string }) => {
      // Type errors still emit JavaScript; only a missing output is fatal (checked below).
      if (err.stdout === undefined) throw err
    })
  await cp(join(root, 'package.json'), join(out, 'package.json'))
  await symlink(join(root, 'node_modules'), join(out, 'node_modules'))
  await mkdir(join(out, 'data'), { recursive: true })
  return out
}

export async function coldStart (repeats: number): Promise<string> {
  const up = await startUpstreams({ latencyMs: 0 })
  const rows: string[][] = []
  const notes: string[] = []
  let dist: string | undefined
  try {
    const measure = async (label: string, command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<void> => {
      const times: number[] = []
      try {
        for (let i = 0; i < repeats; i++) {
          const port = await freePort()
          up.config.server.port = port
          up.config.server.host = '127.0.0.1'
          await writeFile(up.configPath, JSON.stringify(up.config))
          times.push(await timeToReady(command, args, { SPACELINK_CONFIG: up.configPath, LOG_LEVEL: 'warn', ...extraEnv }, port, cwd))
        }
        times.sort((a, b) => a - b)
        rows.push([label, String(times.length), fixed(times[0], 0), fixed(times[Math.floor(times.length / 2)], 0), fixed(times[times.length - 1], 0)])
      } catch (err) {
        notes.push(`${label}: could not measure: ${(err as Error).message}`)
      }
    }
    const nodeStart = performance.now()
    await promisify(execFile)(process.execPath, ['-e', ''])
    notes.push(`a bare \`node -e ''\` takes ${fixed(performance.now() - nodeStart, 0)} ms on this machine`)
    await measure('tsx src/cli.ts serve (npm run spacelink -- serve)', join(root, 'node_modules', '.bin', 'tsx'), ['src/cli.ts', 'serve'], root)
    try {
      process.stderr.write('  cold start: compiling to a scratch directory …\n')
      dist = await buildToScratch()
      await measure('node dist/src/cli.js serve (compiled, as npm start)', process.execPath, [join(dist, 'src', 'cli.js'), 'serve'], dist)
    } catch (err) {
      notes.push(`compiled start not measured: ${(err as Error).message.slice(0, 500)}`)
    }
  } finally {
    await up.close()
    if (dist !== undefined) await rm(dist, { recursive: true, force: true })
  }
  return table('(4) cold start: spawn → first 200 from /ready (SQLite, migrations already applied after the first start; ms)',
    ['how', 'runs', 'min', 'median', 'max'], rows) + notes.map(n => `  note: ${n}\n`).join('')
}
