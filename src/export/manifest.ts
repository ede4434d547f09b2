/**
 * The manifests: `manifest.json` of one link's package, and the top-level one of a whole-instance
 * export. A manifest lists the size, sha-256 and md5 of every other file of its package, so it is
 * written as the package's **last** entry, once those bytes have gone out. It does not list itself;
 * the instance manifest lists every link manifest's digest instead (docs/package-export.md).
 */
import type { Config } from '../config/schema.js'
import type { LinkRow } from '../store/index.js'
import { linkView, transactionView } from '../http/views.js'
import type { FileDigest } from './types.js'
import type { PackageTransaction } from './types.js'
import type { MissingFile } from './types.js'

/** Bumped when a field changes meaning or goes away (adding fields does not bump it). */
export const manifestVersion = 1

export interface ManifestFile extends FileDigest {
  /** Relative to the directory holding the manifest. */
  path: string
  mediaType: string
  description: string
}

export type DerivativeStatus = 'unchanged' | 'changed' | 'not-recorded' | 'omitted' | 'unavailable'

export interface DerivativeReport {
  /** RS size code (`scr`, `pre`, …). */
  size: string
  status: DerivativeStatus
  /** Where the image is in the package; null when it is not in it. */
  path: string | null
  /** What spacelink recorded when it pushed the image to CS. sha-256 and md5 are null in blob-uri mode (CS fetched the bytes itself). */
  pushed: { byteLength: number | null, sha256: string | null, md5: string | null, at: string | null }
  /** What this package holds, fetched from RS again while the package was made. */
  packaged: FileDigest | null
  detail: string
}

export interface LinkManifest {
  spacelinkPackage: number
  createdAt: string
  /** The URL the package was made from. */
  source: string
  link: Record<string, unknown>
  transactions: Array<Record<string, unknown> & { role: PackageTransaction['role'] }>
  files: ManifestFile[]
  derivative: DerivativeReport
  missing: MissingFile[]
}

export interface InstanceManifestLink {
  id: string
  rsid: number
  objectNumber: string
  /** The link's directory, relative to the top-level manifest. */
  path: string
  manifest: FileDigest & { path: string }
  derivative: DerivativeStatus
  missing: number
}

export interface InstanceManifest {
  spacelinkPackage: number
  kind: 'instance'
  instance: string
  createdAt: string
  finishedAt: string
  source: string
  counts: { links: number, packaged: number, failed: number } & Partial<Record<DerivativeStatus, number>>
  links: InstanceManifestLink[]
  /** Links left out because RS or CS could not be read for them; their directories are absent. */
  failed: Array<{ id: string, rsid: number, objectNumber: string, problem: string }>
}

export function linkManifest (config: Config, init: {
  createdAt: Date
  source: string
  link: LinkRow
  transactions: PackageTransaction[]
  files: ManifestFile[]
  derivative: DerivativeReport
  missing: MissingFile[]
}): LinkManifest {
  return {
    spacelinkPackage: manifestVersion,
    createdAt: init.createdAt.toISOString(),
    source: init.source,
    link: linkView(config, init.link),
    transactions: init.transactions.map(t => ({ role: t.role, ...transactionView(config, t.row, false) })),
    files: init.files,
    derivative: init.derivative,
    missing: init.missing
  }
}

/** Compares the bytes packaged now with what was recorded at push time, and says so in words. */
export function derivativeReport (
  link: LinkRow,
  found: { path: string, packaged: FileDigest } | { status: 'omitted' | 'unavailable', problem: string }
): DerivativeReport {
  const pushed = { byteLength: link.byteLength, sha256: link.sha256, md5: link.md5, at: link.doneAt }
  const base = { size: link.size, pushed }
  if ('status' in found) return { ...base, status: found.status, path: null, packaged: null, detail: found.problem }
  const { packaged, path } = found
  if (link.sha256 === null) {
    const sameLength = link.byteLength === null || link.byteLength === packaged.size
    return {
      ...base,
      status: 'not-recorded',
      path,
      packaged,
      detail: `spacelink recorded no hash at push time (CollectionSpace fetched the image from RS itself)${sameLength ? '' : `; the length differs: ${String(link.byteLength)} bytes then, ${packaged.size} now`}`
    }
  }
  if (packaged.sha256 === link.sha256 && packaged.size === (link.byteLength ?? packaged.size)) {
    return { ...base, status: 'unchanged', path, packaged, detail: 'RS serves the same bytes spacelink sent to CollectionSpace' }
  }
  return {
    ...base,
    status: 'changed',
    path,
    packaged,
    detail: `RS now serves different bytes (sha-256 ${packaged.sha256}, ${packaged.size} bytes) than spacelink sent to CollectionSpace (sha-256 ${link.sha256}, ${String(link.byteLength)} bytes); the file in this package is RS's current image, not the one CollectionSpace holds`
  }
}
