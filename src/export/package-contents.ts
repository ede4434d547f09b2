/**
 * What goes into one link's package, gathered before any of it is written:
 *
 * - `cspace/collectionobject.xml`: the CS record exactly as a transaction received it (the push's own
 *   when it read one, as the nightly sync does; otherwise the newest retrieve-metadata of the resource
 *   before the link was done, else the newest at all). A push from a button does not read the record, so a
 *   resource never run through retrieve-metadata (or pruned by retention) has none: the manifest says so.
 * - `cspace/media.xml`: the media record as CS holds it now.
 * - `resourcespace/fields.json`: the RS field data as RS holds it now.
 * - `mapped.json`: the values mapped from the CS record, and every RS write of those transactions with
 *   the value it replaced.
 * - the derivative, fetched from RS again (see derivativeSource).
 */
import type { Config } from '../config/schema.js'
import type { CollectionSpaceClient } from '../clients/collectionspace.js'
import type { ImageSize, ResourceSpaceClient } from '../clients/resourcespace.js'
import { SpacelinkError, UpstreamError } from '../errors.js'
import type { LinkRow, Store, TransactionRow } from '../store/index.js'
import { isDerivativeProblem, openDerivative, type OpenDerivative } from '../push/derivative.js'
import { safeSegment } from './filenames.js'
import type { MissingFile } from './types.js'
import type { PackageTransaction } from './types.js'

/** The parts of spacelink an export reads (the server's `fastify.spacelink` is one). */
export interface ExportServices {
  config: Config
  store: Pick<Store, 'links' | 'transactions'>
  rs: ResourceSpaceClient
  cs: (instance: string) => CollectionSpaceClient
}

export interface PackageFile {
  path: string
  bytes: Buffer
  mediaType: string
  description: string
}

export type DerivativeSource =
  | { kind: 'omitted' }
  | { kind: 'unavailable', problem: string }
  | { kind: 'available', size: ImageSize, path: string, download?: OpenDerivative }

export interface PackageParts {
  link: LinkRow
  transactions: PackageTransaction[]
  files: PackageFile[]
  missing: MissingFile[]
  derivative: DerivativeSource
}

/** The link, if it can be packaged: 404 when unknown, 409 while its push has not finished. */
export async function packagedLink (store: ExportServices['store'], id: string): Promise<LinkRow> {
  const link = await store.links.get(id)
  if (link === undefined) throw new SpacelinkError('LINK_NOT_FOUND', 404, 'Unknown link', `no link ${id}`)
  if (link.step !== 'done') {
    throw new SpacelinkError(
      'LINK_NOT_DONE',
      409,
      'Link not finished',
      `link ${id} is at step '${link.step}': its push has not finished, so there is nothing complete to package yet`,
      { step: link.step }
    )
  }
  return link
}

/** Reads everything but the derivative's bytes. RS or CS failing throws (a 502 before any byte is sent). */
export async function collectParts (services: ExportServices, link: LinkRow, opts: { image: boolean }): Promise<PackageParts> {
  const [transactions, fields, media, derivative] = await Promise.all([
    recordTransactions(services.store, link),
    services.rs.getResourceFieldData(link.rsid),
    mediaXml(services, link),
    opts.image ? derivativeSource(services, link) : { kind: 'omitted' as const }
  ])
  const files: PackageFile[] = []
  const missing: MissingFile[] = []
  const withRecord = transactions.find(t => t.row.raw !== null)
  if (withRecord?.row.raw != null) {
    files.push({
      path: 'cspace/collectionobject.xml',
      bytes: Buffer.from(withRecord.row.raw, 'utf8'),
      mediaType: 'application/xml',
      description: `CollectionSpace collection object ${link.objectNumber} (${link.objectCsid}) as received by transaction ${withRecord.row.id} (${withRecord.row.queryType}, ${withRecord.row.startedAt})`
    })
  } else {
    missing.push({ path: 'cspace/collectionobject.xml', reason: 'no transaction of this resource still keeps the CollectionSpace record: retention clears it after database.retentionDays' })
  }
  if (typeof media === 'string') {
    files.push({ path: 'cspace/media.xml', bytes: Buffer.from(media, 'utf8'), mediaType: 'application/xml', description: `CollectionSpace media record ${link.mediaCsid ?? ''} as CollectionSpace holds it now` })
  } else {
    missing.push(media)
  }
  files.push({
    path: 'resourcespace/fields.json',
    bytes: json(fields),
    mediaType: 'application/json',
    description: `ResourceSpace field data of resource ${link.rsid} as ResourceSpace holds it now`
  })
  files.push({ path: 'mapped.json', bytes: json(mappedValues(transactions)), mediaType: 'application/json', description: 'values mapped from the CollectionSpace record, and every ResourceSpace write of these transactions with the value it replaced' })
  return { link, transactions, files, missing, derivative }
}

/**
 * Opens the derivative download if it is not open yet. What RS answers instead of the image (a
 * placeholder, a login redirect, a size gone) leaves it out with the reason; so does an unreachable RS
 * when `tolerant` (one link of a whole-instance export must not stop the others).
 */
export async function openSource (rs: ResourceSpaceClient, source: DerivativeSource, tolerant: boolean): Promise<DerivativeSource> {
  if (source.kind !== 'available' || source.download !== undefined) return source
  let opened: Awaited<ReturnType<typeof openDerivative>>
  try {
    opened = await openDerivative(rs, source.size)
  } catch (err) {
    if (!tolerant || !(err instanceof UpstreamError)) throw err
    return { kind: 'unavailable', problem: `the image could not be fetched from RS: ${err.message}` }
  }
  return isDerivativeProblem(opened) ? { kind: 'unavailable', problem: opened.problem } : { ...source, download: opened }
}

async function derivativeSource (services: ExportServices, link: LinkRow): Promise<DerivativeSource> {
  const sizes = await services.rs.getResourceAllImageSizes(link.rsid)
  const size = sizes.find(s => s.sizeCode === link.size)
  if (size === undefined) return { kind: 'unavailable', problem: `RS no longer has the '${link.size}' size of resource ${link.rsid}` }
  const name = safeSegment(link.filename ?? `resource-${link.rsid}.${size.extension}`, `resource-${link.rsid}.${size.extension}`).ascii
  return { kind: 'available', size, path: `resourcespace/${safeSegment(link.size, 'size').ascii}/${name}` }
}

async function mediaXml (services: ExportServices, link: LinkRow): Promise<string | MissingFile> {
  const path = 'cspace/media.xml'
  if (link.mediaCsid === null) return { path, reason: 'the link names no media record' }
  if (services.config.instances[link.instance] === undefined) return { path, reason: `instance '${link.instance}' is no longer configured` }
  try {
    return (await services.cs(link.instance).getMedia(link.mediaCsid)).xml
  } catch (err) {
    if (err instanceof UpstreamError && err.code === 'RECORD_NOT_FOUND') return { path, reason: `CollectionSpace no longer has media record ${link.mediaCsid}` }
    throw err
  }
}

/** The push transaction, and the one whose CS record goes into the package (often the same one). */
async function recordTransactions (store: ExportServices['store'], link: LinkRow): Promise<PackageTransaction[]> {
  const push = link.transactionId === null ? undefined : await store.transactions.get(link.transactionId)
  const found: PackageTransaction[] = push === undefined ? [] : [{ role: 'push', row: push }]
  if (push?.raw != null) return found
  const metadata = await recordBefore(store, link, link.doneAt ?? link.updatedAt)
  return metadata === undefined ? found : [...found, { role: 'metadata', row: metadata }]
}

/** The newest real (not dry-run) transaction with a CS record started by `cutoff`; else the newest at all. */
async function recordBefore (store: ExportServices['store'], link: LinkRow, cutoff: string): Promise<TransactionRow | undefined> {
  const size = 50
  let newest: TransactionRow | undefined
  for (let page = 0; ; page++) {
    const { items } = await store.transactions.list({ rsid: link.rsid, instance: link.instance, page, size, sort: { field: 'startedAt', dir: 'desc' } })
    const withRecord = items.filter(t => t.raw !== null && !t.dryRun)
    newest ??= withRecord[0]
    const before = withRecord.find(t => t.startedAt <= cutoff)
    if (before !== undefined) return before
    if (items.length < size) return newest
  }
}

function mappedValues (transactions: PackageTransaction[]): Record<string, unknown> {
  const source = transactions.find(t => t.row.mapped !== null)
  return {
    mapped: source?.row.mapped ?? null,
    mappedBy: source?.row.id ?? null,
    writes: transactions.flatMap(t => t.row.rsWrites.map(w => ({ transaction: t.row.id, queryType: t.row.queryType, ...w })))
  }
}

function json (value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8')
}
