/**
 * Where each ResourceSync document and link record lives (docs/resourcesync.md, "What is published"), and the
 * parsing of those names back. Everything sits under `server.publicUrl` (its path prefix included), except
 * the Source Description, which clients look for at the host root: `/.well-known/resourcesync`.
 *
 * Part names sort by time (resync reads an index's parts in URI sort order): zero-padded numbers, and for
 * change lists the compact UTC time the part starts at.
 */
import type { ResourceKey } from '../store/index.js'

export const wellKnownPath = '/.well-known/resourcesync'

/** The Source Description's URL: the host root of `publicUrl`, whatever path prefix it has. */
export function wellKnownUrl (publicUrl: string): string {
  return new URL(wellKnownPath, publicUrl).toString()
}

/** The discovery header spacelink puts on its pages and JSON (ResourceSync §6, `Link` header). */
export function discoveryLink (publicUrl: string): string {
  return `<${wellKnownUrl(publicUrl)}>; rel="resourcesync"`
}

/** An absolute URL under `publicUrl`, keeping its path prefix. */
function under (publicUrl: string, path: string): string {
  return new URL(path, publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).toString()
}

function instanceUrl (publicUrl: string, instance: string, file: string): string {
  return under(publicUrl, `resourcesync/${encodeURIComponent(instance)}/${file}`)
}

export const capabilityListName = 'capabilitylist.xml'
export const resourceListName = 'resourcelist.xml'
export const changeListName = 'changelist.xml'

export function documentUrl (publicUrl: string, instance: string, name: string): string {
  return instanceUrl(publicUrl, instance, name)
}

/** The stable URL of one resource's link record (the same for every version of it). */
export function recordUrl (publicUrl: string, instance: string, key: ResourceKey): string {
  return instanceUrl(publicUrl, instance, `records/${recordName(key)}`)
}

export function recordName (key: ResourceKey): string {
  return `${key.rsid}-${encodeURIComponent(key.size)}.json`
}

/** `42-scr.json` → { rsid: 42, size: 'scr' }; undefined for anything else. `name` is already URL-decoded. */
export function parseRecordName (name: string): ResourceKey | undefined {
  const match = /^([1-9][0-9]{0,15})-(.+)\.json$/.exec(name)
  if (match === null) return undefined
  return { rsid: Number(match[1]), size: match[2] as string }
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0')

/** `2025-03-02T02:00:30.123Z` → `20250302T020030Z`. */
export function compactTime (iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(/[-:]/g, '')
}

/** Part `part` (1, 2…) of the Resource List snapshot taken after event `asOf`. */
export function resourceListPartName (asOf: number, part: number): string {
  return `resourcelist-${pad(asOf, 10)}-${pad(part, 5)}.xml`
}

/** Part `part` (1, 2…) of the Change List, which starts at `from`. */
export function changeListPartName (from: string, part: number): string {
  return `changelist-${compactTime(from)}-${pad(part, 5)}.xml`
}

export type DocumentName =
  | { kind: 'capabilitylist' }
  | { kind: 'resourcelist' }
  | { kind: 'changelist' }
  | { kind: 'resourcelist-part', asOf: number, part: number }
  | { kind: 'changelist-part', stamp: string, part: number }

/** The document a file name under `resourcesync/<instance>/` names, or undefined. */
export function parseDocumentName (name: string): DocumentName | undefined {
  if (name === capabilityListName) return { kind: 'capabilitylist' }
  if (name === resourceListName) return { kind: 'resourcelist' }
  if (name === changeListName) return { kind: 'changelist' }
  const resourcePart = /^resourcelist-([0-9]{10})-([0-9]{5})\.xml$/.exec(name)
  if (resourcePart !== null) return { kind: 'resourcelist-part', asOf: Number(resourcePart[1]), part: Number(resourcePart[2]) }
  const changePart = /^changelist-([0-9]{8}T[0-9]{6}Z)-([0-9]{5})\.xml$/.exec(name)
  if (changePart !== null) return { kind: 'changelist-part', stamp: changePart[1] as string, part: Number(changePart[2]) }
  return undefined
}
