/**
 * The whole-instance export for auditors (`GET /api/v1/links/package.tar.gz?instance=…`): every finished
 * link of the instance, each as its own package in `<prefix>/links/<accession>-rs<rsid>-<size>-v<version>/`,
 * then `<prefix>/manifest.json` listing each link's manifest digest. Links are read a page at a time in
 * id order, so memory does not grow with the archive (only the top-level manifest's one line per link).
 *
 * A link whose RS or CS data cannot be read is left out and listed under `failed`; the export goes on.
 * Progress goes to the server log every 100 links (or 10 s), with a summary at the end.
 */
import type { Readable } from 'node:stream'
import { UpstreamError } from '../errors.js'
import { streamArchive, type ExportLog } from './archive-writer.js'
import { safeSegment, type SafeName } from './filenames.js'
import type { FormatInfo } from './formats.js'
import { manifestVersion, type InstanceManifest } from './manifest.js'
import { collectParts, type ExportServices } from './package-contents.js'
import { writeLinkPackage } from './write-package.js'

const pageSize = 100
const progressEveryLinks = 100
const progressEveryMs = 10_000

/** `spacelink-<instance>-<UTC time>`: the download name's stem and the archive's top directory. */
export function instancePackageStem (instance: string, createdAt: Date): string {
  const stamp = createdAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  return `spacelink-${safeSegment(instance, 'instance').ascii}-${stamp}`
}

export function instancePackageName (instance: string, createdAt: Date, format: FormatInfo): SafeName {
  const name = `${instancePackageStem(instance, createdAt)}.${format.extension}`
  return { ascii: name, unicode: name }
}

export function instancePackageStream (
  services: ExportServices,
  instance: string,
  format: FormatInfo,
  opts: { image: boolean, source: string, log: ExportLog, createdAt: Date }
): Readable {
  const { log, createdAt, source } = opts
  const prefix = `${instancePackageStem(instance, createdAt)}/`
  return streamArchive(format, { comment: `Created by spacelink [${source}]`, log, mtime: createdAt }, async function produce (sink) {
    const total = await services.store.links.countDone(instance)
    log.info({ instance, total }, 'instance export started')
    const manifest: InstanceManifest = {
      spacelinkPackage: manifestVersion,
      kind: 'instance',
      instance,
      createdAt: createdAt.toISOString(),
      finishedAt: '',
      source,
      counts: { links: 0, packaged: 0, failed: 0 },
      links: [],
      failed: []
    }
    let bytes = 0
    let lastReport = performance.now()
    const report = (message: string): void => {
      lastReport = performance.now()
      log.info({ instance, total, packaged: manifest.counts.packaged, failed: manifest.counts.failed, bytes }, message)
    }

    let afterId: string | undefined
    for (;;) {
      const page = await services.store.links.listDone({ instance, limit: pageSize, ...(afterId === undefined ? {} : { afterId }) })
      for (const link of page) {
        sink.signal.throwIfAborted()
        manifest.counts.links++
        const dir = `links/${safeSegment(link.objectNumber, 'object').ascii}-rs${link.rsid}-${safeSegment(link.size, 'size').ascii}-v${link.version}/`
        let parts
        try {
          parts = await collectParts(services, link, { image: opts.image })
        } catch (err) {
          if (!(err instanceof UpstreamError)) throw err
          manifest.counts.failed++
          manifest.failed.push({ id: link.id, rsid: link.rsid, objectNumber: link.objectNumber, problem: err.message })
          log.warn({ instance, link: link.id, rsid: link.rsid, err }, 'instance export: link left out')
          continue
        }
        const written = await writeLinkPackage(sink, parts, { config: services.config, rs: services.rs, prefix: prefix + dir, createdAt, source })
        manifest.counts.packaged++
        manifest.counts[written.derivative.status] = (manifest.counts[written.derivative.status] ?? 0) + 1
        bytes += written.bytes
        manifest.links.push({
          id: link.id,
          rsid: link.rsid,
          objectNumber: link.objectNumber,
          path: dir,
          manifest: { ...written.manifest, path: `${dir}manifest.json` },
          derivative: written.derivative.status,
          missing: parts.missing.length
        })
        if (manifest.counts.links % progressEveryLinks === 0 || performance.now() - lastReport >= progressEveryMs) report('instance export progress')
      }
      if (page.length < pageSize) break
      afterId = page[page.length - 1]?.id
    }
    manifest.finishedAt = new Date().toISOString()
    await sink.addBytes(`${prefix}manifest.json`, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'))
    report('instance export finished')
  })
}
