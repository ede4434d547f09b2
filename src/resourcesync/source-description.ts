/**
 * The Source Description (`/.well-known/resourcesync`): the entry point, one Capability List per
 * instance. It has no `up` link: it is the top. It changes only with the configuration.
 */
import { etagOf, xmlContentType, type RsDocument } from './document.js'
import type { Publication } from './publication.js'
import { capabilityListName, documentUrl } from './urls.js'
import { close, entry, open } from './xml.js'

export function sourceDescription (p: Publication): RsDocument {
  const xml = open('urlset', { capability: 'description' }) +
    p.instances.map(instance => entry('urlset', { loc: documentUrl(p.publicUrl, instance, capabilityListName), md: { capability: 'capabilitylist' } })).join('') +
    close('urlset')
  return {
    contentType: xmlContentType,
    etag: etagOf('description', p.publicUrl, ...p.instances),
    lastModified: p.configuredAt,
    freshness: 'revalidate',
    body: () => Buffer.from(xml, 'utf8')
  }
}
