/**
 * (5) ResourceSync: a harvester reading a Resource List of N entries through its index — resourcelist.xml
 * (the index, whose first request finds where each part starts), then every part — from spacelink
 * listening in a process of its own on a SQLite database filled with N finished links (generated rows,
 * written straight into the tables). Reports the time, the entries and bytes received, and the server's
 * peak RSS, next to the same server's peak for a small list: the lists are streamed from the store, so
 * the peak should not grow with N.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'
import { demoConfigFor } from '../src/demo/demo-config.js'
import { openStore } from '../src/store/index.js'
import { insertFinishedLinks } from '../test/helpers/generated-links.js'
import { startServerChild } from './child.js'
import { fixed, mb, mbFromKb, table } from './format.js'

interface Read { entries: number, bytes: number, ms: number }

/** GETs a document and counts its entries as the bytes stream in (never holding the body). */
async function read (url: string, entry: string): Promise<Read & { body: string }> {
  const started = performance.now()
  const res = await request(url)
  if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${await res.body.text()}`)
  const closing = `</${entry}>`
  let entries = 0
  let bytes = 0
  let carry = ''
  let head = ''
  for await (const chunk of res.body) {
    bytes += (chunk as Buffer).length
    const text = carry + (chunk as Buffer).toString('utf8')
    if (head.length < 100_000) head += (chunk as Buffer).toString('utf8')
    entries += text.split(closing).length - 1
    carry = text.slice(-closing.length + 1)
  }
  return { entries, bytes, ms: performance.now() - started, body: head }
}

async function harvest (n: number): Promise<{ row: string[], notes: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'spacelink-bench-rs-'))
  const notes: string[] = []
  try {
    const databaseUrl = `sqlite:${join(dir, 'spacelink.db')}`
    const store = await openStore(databaseUrl)
    const filling = performance.now()
    let shown = 0
    await insertFinishedLinks(store.db, {
      instance: 'art',
      firstRsid: 1,
      count: n,
      batch: 1000,
      onProgress: done => { if (done - shown >= 100_000) { shown = done; process.stderr.write(`  resourcesync: ${done} rows …\n`) } }
    })
    await store.close()
    process.stderr.write(`  resourcesync: ${n} links written in ${fixed((performance.now() - filling) / 1000, 1)} s\n`)

    const upstream = { rs: { apiUrl: 'http://127.0.0.1:9/api/', user: 'bench', key: 'bench' }, cs: { servicesUrl: 'http://127.0.0.1:9/cspace-services/' } }
    const config = demoConfigFor(upstream, { publicUrl: 'http://127.0.0.1', databaseUrl })
    config.server.logLevel = 'silent'
    const configPath = join(dir, 'spacelink.json')
    await writeFile(configPath, JSON.stringify(config))
    const server = await startServerChild('server-child.ts', { BENCH_CONFIG: configPath })
    let peak: { maxRssKb: number, close: string }
    const started = performance.now()
    let index: Read & { body: string }
    const parts: Read[] = []
    try {
      index = await read(`${server.url}/resourcesync/art/resourcelist.xml`, 'sitemap')
      const locs = [...index.body.matchAll(/<loc>[^<]*(\/resourcesync\/[^<]+)<\/loc>/g)].map(m => m[1] as string)
      if (locs.length !== index.entries) notes.push(`index lists ${index.entries} parts, ${locs.length} read`)
      for (const path of locs) parts.push(await read(`${server.url}${path}`, 'url'))
    } finally {
      peak = await server.stop()
    }
    const ms = performance.now() - started
    const entries = parts.reduce((a, p) => a + p.entries, 0)
    const bytes = index.bytes + parts.reduce((a, p) => a + p.bytes, 0)
    if (entries !== n) notes.push(`read ${entries} entries, expected ${n}`)
    if (!peak.close.startsWith('closed')) notes.push(`server ${peak.close}`)
    const slowest = Math.max(...parts.map(p => p.ms))
    return {
      row: [
        n.toLocaleString('en'),
        String(parts.length),
        entries.toLocaleString('en'),
        mb(bytes),
        fixed(index.ms / 1000, 2),
        fixed(slowest / 1000, 2),
        fixed(ms / 1000, 1),
        fixed(entries / (ms / 1000), 0),
        mbFromKb(peak.maxRssKb)
      ],
      notes
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export async function resourceSyncHarvest (sizes: number[]): Promise<string> {
  const rows: string[][] = []
  const notes: string[] = []
  for (const n of sizes) {
    const result = await harvest(n)
    rows.push(result.row)
    notes.push(...result.notes.map(note => `${n}: ${note}`))
  }
  return table('(5) ResourceSync: a Resource List read through its index (maxListSize 50,000; server in its own process, SQLite)',
    [
      'entries',
      'parts',
      'read',
      'MB',
      'index s',
      'slowest part s',
      'total s',
      'entries/s',
      'server peak RSS MB'
    ], rows) + notes.map(n => `  note: ${n}\n`).join('')
}
