/**
 * (7) The built CLI as the image runs it: `node dist/src/cli.js sync art` compiled to a scratch directory,
 * under GNU time (its peak RSS is the process's own high-water mark: time forks a small process that
 * execs node, so nothing is inherited from this one). Each scenario runs twice in the same run: with Node's
 * and glibc's defaults (the heap sized from the host's memory) and with the image's memory settings (read
 * from the Dockerfile), so the ratio is measured, not remembered. CPU includes the process start, shown on
 * its own. `BENCH_CLI_PUSHES` / `BENCH_CLI_DRY` change N of the push and dry-run rows (0 leaves one out).
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { benchDir } from './child.js'
import { buildToScratch } from './cold-start.js'
import { fixed, mbFromKb, table } from './format.js'
import { startUpstreams } from './upstreams.js'

const gnuTime = '/usr/bin/time'

export interface BuiltCliScenario {
  n: number
  latencyMs: number
  dryRun?: boolean
}

interface Measured {
  wallMs: number
  cpuMs: number
  maxRssKb: number
  stdout: string
}

/** The runtime stage's memory settings (NODE_OPTIONS, MALLOC_ARENA_MAX), as `docker run` would set them. */
export function imageMemoryEnv (): Record<string, string> {
  const dockerfile = readFileSync(join(benchDir, '..', 'Dockerfile'), 'utf8')
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  const env: Record<string, string> = {}
  // ENV lines and their continuation lines, not comments that mention a variable.
  for (const m of runtime.matchAll(/^(?:ENV\s+|\s+)(NODE_OPTIONS|MALLOC_ARENA_MAX)=(?:"([^"]*)"|(\S+))/gm)) env[m[1] ?? ''] = m[2] ?? m[3] ?? ''
  return env
}

async function timed (args: string[], env: Record<string, string | undefined>): Promise<Measured> {
  const started = performance.now()
  const child = spawn(gnuTime, ['-v', process.execPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const code = await new Promise<number | null>((resolve, reject) => { child.on('error', reject); child.on('close', resolve) })
  const wallMs = performance.now() - started
  const field = (label: string): number => Number(new RegExp(`${label}: ([\\d.]+)`).exec(stderr)?.[1] ?? Number.NaN)
  if (code !== 0) throw new Error(`exit ${String(code)}: ${stderr.slice(-1500)}`)
  return {
    wallMs,
    cpuMs: (field('User time \\(seconds\\)') + field('System time \\(seconds\\)')) * 1000,
    maxRssKb: field('Maximum resident set size \\(kbytes\\)'),
    stdout
  }
}

export async function builtCli (scenarios: BuiltCliScenario[]): Promise<string> {
  if (!existsSync(gnuTime)) return `\n(7) built CLI: not measured: ${gnuTime} (GNU time) is not installed\n`
  const image = imageMemoryEnv()
  const imageLabel = Object.keys(image).length === 0 ? 'image: (no memory settings)' : `image: ${Object.entries(image).map(([k, v]) => `${k}=${v}`).join(' ')}`
  const variants: Array<[string, Record<string, string>]> = [['Node defaults', {}], [imageLabel, image]]
  const rows: string[][] = []
  const notes: string[] = []
  process.stderr.write('  built CLI: compiling to a scratch directory …\n')
  const dist = await buildToScratch()
  try {
    const cli = join(dist, 'src', 'cli.js')
    const { NODE_OPTIONS: _, MALLOC_ARENA_MAX: __, ...env } = process.env
    for (const [label, memory] of variants) {
      const start = await timed([cli, '--help'], { ...env, ...memory })
      notes.push(`${label}: \`spacelink --help\` alone: ${fixed(start.cpuMs, 0)} ms CPU, peak RSS ${mbFromKb(start.maxRssKb)} MB`)
    }
    for (const s of scenarios) {
      for (const [label, memory] of variants) {
        process.stderr.write(`  built CLI: N=${s.n}${s.dryRun === true ? ' (dry run)' : ''} at ${s.latencyMs} ms, ${label} …\n`)
        const up = await startUpstreams({ latencyMs: s.latencyMs, n: s.n })
        try {
          const m = await timed(
            [cli, '--config', up.configPath, 'sync', 'art', ...(s.dryRun === true ? ['--dry-run'] : [])],
            { ...env, LOG_LEVEL: 'warn', ...memory }
          )
          const counted = /pushed\s+(\d+)/.exec(m.stdout)?.[1]
          if (s.dryRun !== true && Number(counted) !== s.n) notes.push(`N=${s.n} ${label}: pushed ${String(counted)} of ${s.n}`)
          rows.push([
            String(s.n), s.dryRun === true ? 'dry run' : 'push', String(s.latencyMs), label,
            fixed(m.wallMs / 1000, 1), fixed(s.n / (m.wallMs / 1000), 1), fixed(m.cpuMs / s.n, 2), mbFromKb(m.maxRssKb)
          ])
        } catch (err) {
          notes.push(`N=${s.n} ${label}: could not run: ${(err as Error).message.slice(0, 500)}`)
        } finally {
          await up.close()
        }
      }
    }
  } finally {
    await rm(dist, { recursive: true, force: true })
  }
  return table('(7) built CLI (`node dist/src/cli.js sync art`, GNU time; process start included in wall and CPU)',
    ['N', 'run', 'latency ms', 'memory settings', 'wall s', 'items/s', 'CPU ms/item', 'peak RSS MB'], rows) +
    notes.map(n => `  note: ${n}\n`).join('')
}
