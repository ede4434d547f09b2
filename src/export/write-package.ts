/**
 * Writes one link's package into an archive: the gathered files, then the derivative streamed from RS
 * (hashed as it passes), then `manifest.json`, last, listing the digests of everything before it.
 */
import type { Config } from '../config/schema.js'
import type { ResourceSpaceClient } from '../clients/resourcespace.js'
import type { ArchiveSink } from './archive-writer.js'
import type { FileDigest } from './types.js'
import { derivativeReport, linkManifest, type DerivativeReport, type ManifestFile } from './manifest.js'
import { openSource, type PackageParts } from './package-contents.js'

export interface WrittenPackage {
  manifest: FileDigest & { path: string }
  derivative: DerivativeReport
  /** Bytes of every file written, the manifest included (before archive headers and compression). */
  bytes: number
}

export async function writeLinkPackage (sink: ArchiveSink, parts: PackageParts, ctx: {
  config: Config
  rs: ResourceSpaceClient
  /** Directory inside the archive, `''` or ending in `/`. */
  prefix: string
  createdAt: Date
  source: string
}): Promise<WrittenPackage> {
  const files: ManifestFile[] = []
  for (const file of parts.files) {
    const digest = await sink.addBytes(ctx.prefix + file.path, file.bytes)
    files.push({ path: file.path, ...digest, mediaType: file.mediaType, description: file.description })
  }

  // Opened before the response when possible (single link); here for a whole-instance export.
  const source = await openSource(ctx.rs, parts.derivative, true)
  let derivative: DerivativeReport
  if (source.kind === 'available' && source.download !== undefined) {
    const { body, contentLength, contentType } = source.download
    const packaged = await sink.addStream(ctx.prefix + source.path, body, contentLength ?? 0)
    files.push({ path: source.path, ...packaged, mediaType: contentType, description: `the '${parts.link.size}' derivative of RS resource ${parts.link.rsid}, fetched from RS while this package was made` })
    derivative = derivativeReport(parts.link, { path: source.path, packaged })
  } else {
    derivative = derivativeReport(parts.link, source.kind === 'unavailable'
      ? { status: 'unavailable', problem: source.problem }
      : { status: 'omitted', problem: 'left out on request (image=false)' })
  }

  const manifest = linkManifest(
    ctx.config,
    { createdAt: ctx.createdAt, source: ctx.source, link: parts.link, transactions: parts.transactions, files, derivative, missing: parts.missing }
  )
  const path = `${ctx.prefix}manifest.json`
  const digest = await sink.addBytes(path, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'))
  return { manifest: { path, ...digest }, derivative, bytes: files.reduce((sum, f) => sum + f.size, digest.size) }
}
