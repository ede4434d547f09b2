/**
 * (3) Streaming memory: push-resource of one large derivative in `stream` mode (RS → spacelink → CS),
 * in a process of its own, against a plain copy of the same bytes between the same two servers.
 * The RS simulator's download links point at a generator of the chosen size; the CS simulator keeps the
 * blob (in the parent process, which is not the one measured).
 */
import { startBigFileServer } from './big-file-server.js'
import { runChild } from './child.js'
import { fixed, mb, mbFromKb, table } from './format.js'
import { startLargeFileUpstreams } from './upstreams.js'

interface Transfer { bytes: number, ms: number, rssBeforeKb: number, maxRssKb: number }

export async function streamingMemory (bytes: number): Promise<string> {
  const big = await startBigFileServer(bytes)
  const { rs, cs, configPath, close } = await startLargeFileUpstreams('stream')
  rs.setBaseUrl(big.url)
  const rows: string[][] = []
  const notes: string[] = []
  try {
    process.stderr.write(`  streaming: push of ${mb(bytes)} MB …\n`)
    const push = await runChild<Transfer & { outcome: string, message: string }>('push-child.ts', { BENCH_CONFIG: configPath, BENCH_RSID: '1' })
    if (push.result.outcome !== 'pushed' || push.result.bytes !== bytes) notes.push(`push: ${push.result.outcome}: ${push.result.message} (${push.result.bytes} bytes)`)
    const blob = cs.state('art').blobs[0]
    if (blob?.length !== bytes) notes.push(`CS holds a blob of ${blob?.length ?? 0} bytes, expected ${bytes}`)
    rows.push(['spacelink push-resource (stream)', mb(bytes), fixed(push.result.ms / 1000, 2), fixed(bytes / 1024 / 1024 / (push.result.ms / 1000), 0), mbFromKb(push.result.rssBeforeKb), mbFromKb(push.result.maxRssKb), mbFromKb(push.result.maxRssKb - push.result.rssBeforeKb)])

    process.stderr.write(`  streaming: plain copy of ${mb(bytes)} MB …\n`)
    const plain = await runChild<Transfer & { status: number }>('plain-copy-child.ts', {
      BENCH_FROM: `${big.url}pages/download.php?ref=1&size=scr`,
      BENCH_BLOBS: `${cs.servicesUrl}blobs`,
      BENCH_AUTH: 'art@spacelink.demo:demo'
    })
    if (plain.result.status !== 201) notes.push(`plain copy answered ${plain.result.status}`)
    rows.push(['plain copy (undici GET → multipart POST)', mb(bytes), fixed(plain.result.ms / 1000, 2), fixed(bytes / 1024 / 1024 / (plain.result.ms / 1000), 0), mbFromKb(plain.result.rssBeforeKb), mbFromKb(plain.result.maxRssKb), mbFromKb(plain.result.maxRssKb - plain.result.rssBeforeKb)])
  } finally {
    await Promise.all([close(), big.close()])
  }
  return table('(3) streaming a large derivative RS → CS (measured process only; CS simulator buffers the blob in the parent)',
    ['transfer', 'MB', 's', 'MB/s', 'RSS before MB', 'peak RSS MB', 'peak − before MB'], rows) + notes.map(n => `  note: ${n}\n`).join('')
}
