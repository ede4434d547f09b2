/**
 * The simulated RS and CS a benchmark runs against, in this (the parent) process: either the sample
 * museum, or `n` generated photos in RS whose accession numbers match objects in the art tenant of CS
 * (all pushable), so every item of a sync does the full work.
 *
 * The CS simulator answers every search by scanning all its records, so its cost per call grows with
 * the collection; `objects` (default min(n, 1000)) bounds the objects, several resources sharing one,
 * so that time per item measures spacelink rather than the simulator's linear scans.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildResourceSpaceApp, startResourceSpaceSimulator, type RsSimulator, type RsSimulatorApp, type RsSimulatorOptions } from '../src/simulators/resourcespace/index.js'
import { startCollectionSpaceSimulator, type CsSimulator } from '../src/simulators/collectionspace/index.js'
import { sampleFields, samplePeople } from '../src/simulators/sample-museum.js'
import { demoConfigFor } from '../src/demo/demo-config.js'
import type { Config } from '../src/config/schema.js'
import { previewJpeg } from '../src/simulators/resourcespace/images.js'

export interface Upstreams {
  rs: RsSimulator
  cs: CsSimulator
  /** Refs of the generated resources (empty for the sample museum). */
  refs: number[]
  /** A scratch directory (database, config file), removed by close. */
  dir: string
  /** The demo configuration pointed at these simulators, with a fresh SQLite database in `dir`. */
  config: Config
  /** `config` written as a file the CLI and the child scripts can load. */
  configPath: string
  close: () => Promise<void>
}

/** Fixed-width numbers, so that no number is a token-run prefix of another in RS or CS searches. */
export function benchNumber (i: number): string {
  return `BENCH.${String(i).padStart(7, '0')}`
}

export async function startUpstreams (opts: {
  latencyMs: number
  n?: number
  objects?: number
  concurrency?: number
  /** More RS simulator options (capacity, latency profile); they win over `latencyMs`. */
  rs?: RsSimulatorOptions
}): Promise<Upstreams> {
  const generated = opts.n !== undefined
  const rs = await startResourceSpaceSimulator({ latencyMs: opts.latencyMs, seed: !generated, ...opts.rs })
  const cs = await startCollectionSpaceSimulator({ latencyMs: opts.latencyMs, seed: !generated })
  let refs: number[] = []
  if (opts.n !== undefined) {
    for (const f of sampleFields) rs.store.addField({ ref: f.ref, name: f.name, title: f.title, type: f.type, options: 'options' in f ? [...f.options] : [] })
    const objects = Math.max(1, Math.min(opts.n, opts.objects ?? 1000))
    refs = rs.seedMany(opts.n, { accessionNumber: i => benchNumber(i % objects) })
    const at = new Date(Date.now() - 86_400_000).toISOString()
    for (let i = 0; i < objects; i++) {
      cs.addObject({ tenant: 'art', csid: `b${i.toString(16).padStart(7, '0')}-0000-4000-8001`, objectNumber: benchNumber(i), title: `Bench object ${i}`, makers: [i % 2 === 0 ? samplePeople.lange : samplePeople.okeeffe], date: String(1900 + (i % 100)), updatedAt: at })
    }
  }
  warmPreviews()
  const dir = await mkdtemp(join(tmpdir(), 'spacelink-bench-'))
  const config = demoConfigFor({ rs, cs }, { publicUrl: 'http://127.0.0.1', databaseUrl: `sqlite:${join(dir, 'spacelink.db')}` })
  config.server.logLevel = 'silent'
  // Load generators are one client: the per-key limit would turn the benchmark into a 429 benchmark.
  config.server.rateLimit.max = 1_000_000_000
  if (opts.concurrency !== undefined) config.sync.concurrency = opts.concurrency
  const configPath = join(dir, 'spacelink.json')
  await writeFile(configPath, JSON.stringify(config))
  return {
    rs,
    cs,
    refs,
    dir,
    config,
    configPath,
    close: async () => {
      await Promise.all([rs.close(), cs.close()])
      await rm(dir, { recursive: true, force: true })
    }
  }
}

export interface LargeFileUpstreams {
  /** The RS simulator app: `rs.setBaseUrl(url)` points its download links at a big-file server. */
  rs: RsSimulatorApp
  cs: CsSimulator
  dir: string
  config: Config
  configPath: string
  close: () => Promise<void>
}

/**
 * The sample museum's RS and CS simulators on loopback for moving large files: the demo config with
 * timeouts long enough for gigabytes, a fresh SQLite database, written as a file for child processes.
 */
export async function startLargeFileUpstreams (name: string): Promise<LargeFileUpstreams> {
  const rs = buildResourceSpaceApp()
  await rs.app.listen({ host: '127.0.0.1', port: 0 })
  const address = rs.app.server.address()
  const rsUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`
  const cs = await startCollectionSpaceSimulator()
  const dir = await mkdtemp(join(tmpdir(), `spacelink-bench-${name}-`))
  const config = demoConfigFor(
    { rs: { ...rs, apiUrl: `${rsUrl}api/` }, cs },
    { publicUrl: 'http://127.0.0.1', databaseUrl: `sqlite:${join(dir, 'spacelink.db')}` }
  )
  config.server.logLevel = 'silent'
  config.resourcespace.timeoutMs = 300_000
  for (const instance of Object.values(config.instances)) instance.cspace.timeoutMs = 300_000
  const configPath = join(dir, 'spacelink.json')
  await writeFile(configPath, JSON.stringify(config))
  return {
    rs,
    cs,
    dir,
    config,
    configPath,
    close: async () => {
      await Promise.all([rs.app.close(), cs.close()])
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** Upstream calls so far, per system (the simulators count every request they answer). */
export function upstreamCalls (u: Upstreams): { rs: Record<string, number>, cs: Record<string, number> } {
  return { rs: u.rs.state({ resources: false }).calls, cs: csCalls(u.cs) }
}

function csCalls (cs: CsSimulator): Record<string, number> {
  return cs.state('art').calls
}

export function total (calls: Record<string, number>): number {
  return Object.values(calls).reduce((a, b) => a + b, 0)
}

export function diff (after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0)
    if (d !== 0) out[k] = d
  }
  return out
}

/**
 * The RS simulator draws each preview size once per colour variant (8) and caches it; drawing takes
 * seconds, so it is done before any clock starts.
 */
function warmPreviews (): void {
  for (let variant = 0; variant < 8; variant++) for (const size of ['thm', 'pre', 'scr']) previewJpeg(variant, size)
}

/** CPU time of this (the simulators') process, in ms. */
export function parentCpuMs (): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
