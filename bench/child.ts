/**
 * Runs a benchmark script in a process of its own (`node --import tsx`), so its peak RSS and CPU are
 * spacelink's alone and not the simulators' (which stay in the parent). The child prints its result as
 * one `RESULT {json}` line on stdout.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export const benchDir = import.meta.dirname

export interface ChildRun<T> {
  result: T
  wallMs: number
}

export async function runChild<T> (script: string, env: Record<string, string>, opts: { timeoutMs?: number } = {}): Promise<ChildRun<T>> {
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', 'tsx', join(benchDir, script)], {
    cwd: join(benchDir, '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const timer = setTimeout(() => { child.kill('SIGKILL') }, opts.timeoutMs ?? 30 * 60_000)
  const code = await new Promise<number | null>((resolve, reject) => { child.on('error', reject); child.on('close', resolve) })
  clearTimeout(timer)
  const line = stdout.split('\n').find(l => l.startsWith('RESULT '))
  if (code !== 0 || line === undefined) throw new Error(`${script} exited with ${String(code)}: ${stderr.trim().slice(-2000) || stdout.trim().slice(-2000)}`)
  return { result: JSON.parse(line.slice('RESULT '.length)) as T, wallMs: performance.now() - started }
}

/** For the child side: prints the result line the parent looks for (resolves once it is written: pipes are asynchronous). */
export async function report (result: unknown): Promise<void> {
  await new Promise<void>(resolve => process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => { resolve() }))
}

export interface ServerChild {
  url: string
  pid: number
  /** Stops the server; resolves with the child's peak RSS. */
  stop: () => Promise<{ maxRssKb: number, close: string }>
}

/** Starts a long-running child that prints `LISTENING <url>` when ready and its result line on SIGTERM. */
export async function startServerChild (script: string, env: Record<string, string>): Promise<ServerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(benchDir, script)], {
    cwd: join(benchDir, '..'),
    // autoload only recognises `node --import tsx` as TypeScript-capable when told so.
    env: { ...process.env, FASTIFY_AUTOLOAD_TYPESCRIPT: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const m = /^LISTENING (\S+)$/m.exec(stdout)
      if (m?.[1] !== undefined) resolve(m[1])
    })
    child.on('close', code => { reject(new Error(`${script} exited with ${String(code)} before listening: ${stderr.slice(-2000)}`)) })
  })
  return {
    url,
    pid: child.pid ?? 0,
    stop: async () => {
      const closed = new Promise<void>(resolve => { child.on('close', () => { resolve() }) })
      child.kill('SIGTERM')
      await closed
      const line = stdout.split('\n').find(l => l.startsWith('RESULT '))
      return line === undefined
        ? {
            maxRssKb: Number.NaN,
            close: `no result (stderr: ${stderr.slice(-500)})`
          }
        : JSON.parse(line.slice('RESULT '.length)) as { maxRssKb: number, close: string }
    }
  }
}

/**
 * This process's own peak RSS in KiB. On Linux `process.resourceUsage().maxRSS` of a spawned child also
 * counts the parent's pages it was forked with (the kernel keeps the high-water mark across exec), so a
 * child of a big parent would report the parent's size; VmHWM in /proc/self/status is the exec'd image's own.
 */
export function peakRssKb (): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]
    if (hwm !== undefined) return Number(hwm)
  } catch {
    // Not Linux: fall back to getrusage.
  }
  return process.resourceUsage().maxRSS
}

/**
 * CPU time (user + system) another process has used so far, in ms, from /proc/<pid>/stat (Linux; clock
 * ticks of 10 ms); undefined elsewhere.
 */
export function cpuMsOf (pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may contain spaces) start at ") ": utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return undefined
  }
}
