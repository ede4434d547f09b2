/**
 * (5) Package export: one link whose derivative is `bytes` large, downloaded as package.zip, .tar and
 * .tar.gz from spacelink's HTTP server in a process of its own (a fresh one per row, so each peak RSS is
 * that format's alone). The image comes from a generator (big-file-server.ts) in this process, either one
 * repeated byte (deflate shrinks it to nothing) or random bytes (like a JPEG, nothing to shrink). The link
 * is made by pushing a 1 MiB image first; the export then finds RS serving other bytes, which it reports
 * in the manifest and which costs nothing extra. Baseline: the same bytes fetched straight from the
 * generator with undici, no spacelink in between.
 */
import { readFileSync } from 'node:fs'
import { request } from 'undici'
import { demoKeys } from '../src/demo/start-demo.js'
import { createSpacelink } from '../src/spacelink.js'
import { startBigFileServer, type BigFileServer } from './big-file-server.js'
import { cpuMsOf, startServerChild } from './child.js'
import { fixed, mb, mbFromKb, table } from './format.js'
import { startLargeFileUpstreams } from './upstreams.js'

const formats = ['zip', 'tar', 'tar.gz'] as const

/** Resident memory of another process now, in KiB (Linux). */
function rssKbOf (pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN)
  } catch {
    return Number.NaN
  }
}

/** Reads a response to the end, counting bytes; answers the count and the time from request to last byte. */
async function fetchCounting (url: string, headers: Record<string, string> = {}): Promise<{ status: number, bytes: number, ms: number }> {
  const started = performance.now()
  const res = await request(url, { headers, headersTimeout: 300_000, bodyTimeout: 300_000 })
  let bytes = 0
  for await (const chunk of res.body) bytes += (chunk as Buffer).length
  return { status: res.statusCode, bytes, ms: performance.now() - started }
}

export async function packageExport (bytes: number): Promise<string> {
  const pushed = await startBigFileServer(1024 * 1024)
  const images: Array<{ name: string, server: BigFileServer }> = [
    { name: 'repeated byte', server: await startBigFileServer(bytes) },
    { name: 'random (JPEG-like)', server: await startBigFileServer(bytes, { incompressible: true }) }
  ]
  const { rs, config, configPath, close } = await startLargeFileUpstreams('export')
  const rows: string[][] = []
  const notes: string[] = []
  try {
    // The link: a push of a 1 MiB image (setup, not measured).
    rs.setBaseUrl(pushed.url)
    const spacelink = await createSpacelink({ config })
    const result = await spacelink.run({ rsid: 1, queryType: 'push-resource', caller: 'cli', instance: 'art', dryRun: false, force: false })
    const linkId = (await spacelink.store.links.findByRsid(1))[0]?.id
    await spacelink.close()
    if (result.outcome !== 'pushed' || linkId === undefined) throw new Error(`could not make the link: ${result.outcome}: ${result.message}`)

    for (const image of images) {
      rs.setBaseUrl(image.server.url)
      process.stderr.write(`  export: plain download of ${mb(bytes)} MB (${image.name}) …\n`)
      const plain = await fetchCounting(`${image.server.url}pages/download.php?ref=1&size=scr`)
      rows.push([`plain GET (undici), ${image.name}`, mb(plain.bytes), fixed(plain.ms / 1000, 2), fixed(bytes / 1024 / 1024 / (plain.ms / 1000), 0), '–', '–', '–'])
      for (const format of formats) {
        process.stderr.write(`  export: package.${format} of ${mb(bytes)} MB (${image.name}) …\n`)
        const server = await startServerChild('server-child.ts', { BENCH_CONFIG: configPath })
        const rssBeforeKb = rssKbOf(server.pid)
        const cpuBefore = cpuMsOf(server.pid)
        const got = await fetchCounting(`${server.url}/api/v1/links/${linkId}/package.${format}`, { 'x-api-key': demoKeys.admin })
        const cpuAfter = cpuMsOf(server.pid)
        const stopped = await server.stop()
        if (got.status !== 200) notes.push(`package.${format} (${image.name}) answered ${got.status}`)
        if (format !== 'tar.gz' && got.bytes < bytes) notes.push(`package.${format} (${image.name}) has ${got.bytes} bytes, fewer than the image`)
        const cpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / got.ms
        rows.push([`package.${format}, ${image.name}`, mb(got.bytes), fixed(got.ms / 1000, 2), fixed(bytes / 1024 / 1024 / (got.ms / 1000), 0),
          cpu === undefined ? 'n/a' : `${fixed(cpu * 100, 0)} %`, mbFromKb(rssBeforeKb), mbFromKb(stopped.maxRssKb)])
      }
    }
  } finally {
    await Promise.all([close(), pushed.close(), ...images.map(async i => { await i.server.close() })])
  }
  return table(`(5) package export of one link with a ${mb(bytes)} MB derivative (spacelink in its own process; MB/s = image MB per second)`,
    ['download', 'archive MB', 's', 'MB/s', 'spacelink CPU', 'RSS before MB', 'peak RSS MB'], rows) + notes.map(n => `  note: ${n}\n`).join('')
}
