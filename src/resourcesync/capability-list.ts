/**
 * An instance's Capability List: its Resource List and its Change List, with `up` to the Source
 * Description at the host root. Never an index; at most one entry per capability.
 */
import { etagOf, xmlContentType, type RsDocument } from './document.js'
import type { Publication } from './publication.js'
import { changeListName, documentUrl, resourceListName, wellKnownUrl } from './urls.js'
import { close, entry, open } from './xml.js'

export function capabilityList (p: Publication, instance: string): RsDocument {
  const xml = open('urlset', { capability: 'capabilitylist' }, [{ rel: 'up', href: wellKnownUrl(p.publicUrl) }]) +
    entry('urlset', { loc: documentUrl(p.publicUrl, instance, resourceListName), md: { capability: 'resourcelist' } }) +
    entry('urlset', { loc: documentUrl(p.publicUrl, instance, changeListName), md: { capability: 'changelist' } }) +
    close('urlset')
  return {
    contentType: xmlContentType,
    etag: etagOf('capabilitylist', p.publicUrl, instance),
    lastModified: p.configuredAt,
    freshness: 'revalidate',
    body: () => Buffer.from(xml, 'utf8')
  }
}
