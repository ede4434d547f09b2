/**
 * The link record: the JSON document a Resource List or Change List `<loc>` points to, describing one
 * version of a link (which RS resource derivative became which CS media). Its bytes are a function of the
 * link row's fields that never change once the version is done — no URLs from the config, no update
 * times — so the hash and length published for a version stay true forever (docs/resourcesync.md, "Link
 * records"). Served without content-coding, so the bytes on the wire are the bytes hashed.
 */
import { hash } from 'node:crypto'
import type { PublishedLink } from '../store/index.js'

export const recordContentType = 'application/json'

export interface Fixity {
  md5: string
  sha256: string
  length: number
}

/** The record's exact bytes. */
export function linkRecord (link: PublishedLink): Buffer {
  return Buffer.from(JSON.stringify({
    rsid: link.rsid,
    instance: link.instance,
    size: link.size,
    version: link.version,
    linkId: link.id,
    objectCsid: link.objectCsid,
    objectNumber: link.objectNumber,
    mediaCsid: link.mediaCsid,
    blobCsid: link.blobCsid,
    relationObjectMediaCsid: link.relationObjectMediaCsid,
    relationMediaObjectCsid: link.relationMediaObjectCsid,
    filename: link.filename,
    contentType: link.contentType,
    byteLength: link.byteLength,
    sha256: link.sha256,
    md5: link.md5,
    linkedAt: link.doneAt
  }), 'utf8')
}

export function fixity (bytes: Buffer): Fixity {
  return {
    md5: hash('md5', bytes, 'hex'),
    sha256: hash('sha256', bytes, 'hex'),
    length: bytes.length
  }
}

/** The `rs:md` attributes that let a harvester check what it fetched: lowercase hex digests, byte length, media type. */
export function fixityAttributes (link: PublishedLink): { hash: string, length: number, type: string } {
  const f = fixity(linkRecord(link))
  return { hash: `md5:${f.md5} sha-256:${f.sha256}`, length: f.length, type: recordContentType }
}
