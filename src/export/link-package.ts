/**
 * One link's package (`GET /api/v1/links/{id}/package.zip|.tar|.tar.gz`). Everything that can fail in a
 * way the caller should hear about as a problem (unknown link, RS or CS unreachable, the download
 * refused) is done by `prepareLinkPackage`, before the response starts; `linkPackageStream` then only
 * streams. The files sit at the root of the archive, `manifest.json` last.
 */
import type { Readable } from 'node:stream'
import { streamArchive, type ExportLog } from './archive-writer.js'
import type { FormatInfo } from './formats.js'
import { collectParts, openSource, type ExportServices, type PackageParts } from './package-contents.js'
import { writeLinkPackage } from './write-package.js'

/** Gathers the package and opens the derivative download (the RS connection is then held until streamed). */
export async function prepareLinkPackage (services: ExportServices, link: PackageParts['link'], opts: { image: boolean }): Promise<PackageParts> {
  const parts = await collectParts(services, link, opts)
  return { ...parts, derivative: await openSource(services.rs, parts.derivative, false) }
}

export function linkPackageStream (services: ExportServices, parts: PackageParts, format: FormatInfo, opts: { source: string, log: ExportLog }): Readable {
  const createdAt = new Date()
  return streamArchive(format, { comment: `Created by spacelink [${opts.source}]`, log: opts.log, mtime: createdAt }, async function produce (sink) {
    // The download is already open: it must close with the archive, even one abandoned before the image.
    if (parts.derivative.kind === 'available' && parts.derivative.download !== undefined) sink.guard(parts.derivative.download.body)
    await writeLinkPackage(sink, parts, { config: services.config, rs: services.rs, prefix: '', createdAt, source: opts.source })
  })
}
