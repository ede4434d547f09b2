/**
 * Running the `spacelink` command as an operator does: a real process (`node --import tsx src/cli.ts …`)
 * with its exit code, stdout and stderr, and no configuration leaking in from the test's environment.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { demoConfigFor } from '../../src/demo/demo-config.js'
import { startCollectionSpaceSimulator, type CsSimulator } from '../../src/simulators/collectionspace/index.js'
import { startResourceSpaceSimulator, type RsSimulator } from '../../src/simulators/resourcespace/index.js'

export const root = join(import.meta.dirname, '..', '..')

/** What the reference configuration needs from the environment (values as in .env.example). */
export const exampleEnv: Record<string, string> = {
  SPACELINK_BUTTON_KEY: 'change-me-button-key-0123456789',
  SPACELINK_ADMIN_KEY: 'change-me-admin-key-0123456789',
  RS_API_KEY: 'rs-api-key',
  RS_WEBHOOK_SECRET: 'rs-webhook-secret',
  CS_ART_USER: 'art@example-museum.org',
  CS_ART_PASSWORD: 'art-password',
  CS_FILM_USER: 'film@example-museum.org',
  CS_FILM_PASSWORD: 'film-password'
}

export interface Ran {
  /** Exit code; null when the command had to be killed (it did not exit within `exitWithinMs`). */
  code: number | null
  stdout: string
  stderr: string
}

/**
 * A command that has done its work must also end: an operator's cron job or shell waits for the exit. The
 * limit catches a process that never exits, not a slow one: it is far beyond any machine's start-up time.
 */
const exitWithinMs = 120_000

/** Runs the CLI the way `npx spacelink …` would, without any configuration leaking in from this process. */
export async function spacelink (args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SPACELINK_') && !(k in exampleEnv)))
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', ...args],
    { cwd: root, env: { ...clean, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }
  )
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

export async function tempDir (t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'spacelink-cli-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** The RS and CS simulators with the sample museum, and a configuration file pointing the CLI at them (SQLite in a temp dir). */
export async function simulatorsWithConfigFile (t: Test): Promise<{ rs: RsSimulator, cs: CsSimulator, file: string, databaseUrl: string }> {
  const rs = await startResourceSpaceSimulator()
  t.teardown(() => rs.close())
  const cs = await startCollectionSpaceSimulator()
  t.teardown(() => cs.close())
  const dir = await tempDir(t)
  const databaseUrl = `sqlite:${join(dir, 'spacelink.db')}`
  const file = join(dir, 'spacelink.json')
  await writeFile(file, JSON.stringify(demoConfigFor({ rs, cs }, { publicUrl: 'http://spacelink.test', databaseUrl })))
  return { rs, cs, file, databaseUrl }
}
