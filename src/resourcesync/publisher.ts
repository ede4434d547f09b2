/**
 * spacelink as a ResourceSync Source (docs/product.md §ResourceSync, docs/resourcesync.md): finds the document a URL
 * names and describes it; unknown instances, names and parts are 404 problems, and the record of a
 * resource whose media was deleted is a 410.
 */
import type { Config } from '../config/schema.js'
import { SpacelinkError } from '../errors.js'
import type { LinkHistoryRepo } from '../store/index.js'
import { capabilityList } from './capability-list.js'
import { createChangeLists } from './change-list.js'
import type { RsDocument } from './document.js'
import type { Publication } from './publication.js'
import { fixity, linkRecord, recordContentType } from './record.js'
import { createResourceLists } from './resource-list.js'
import { sourceDescription } from './source-description.js'
import { parseDocumentName, parseRecordName } from './urls.js'
import { w3cTime } from './xml.js'

export interface ResourceSyncPublisher {
  sourceDescription (): RsDocument
  /** A document under `resourcesync/<instance>/`: the capability list, a list, an index or a part. */
  document (instance: string, name: string): Promise<RsDocument>
  /** A link record, `resourcesync/<instance>/records/<rsid>-<size>.json`. */
  record (instance: string, name: string): Promise<RsDocument>
}

export function createPublisher (config: Config, history: LinkHistoryRepo): ResourceSyncPublisher {
  const p: Publication = {
    publicUrl: config.server.publicUrl,
    instances: Object.keys(config.instances),
    maxListSize: config.resourcesync.maxListSize,
    history,
    configuredAt: new Date().toISOString()
  }
  const resourceLists = createResourceLists(p)
  const changeLists = createChangeLists(p)

  function knownInstance (instance: string): void {
    if (!p.instances.includes(instance)) throw notFound(`no instance named '${instance}' is published`)
  }

  return {
    sourceDescription: () => sourceDescription(p),

    async document (instance, name) {
      knownInstance(instance)
      const wanted = parseDocumentName(name)
      let found: RsDocument | undefined
      if (wanted?.kind === 'capabilitylist') found = capabilityList(p, instance)
      else if (wanted?.kind === 'resourcelist') found = await resourceLists.list(instance)
      else if (wanted?.kind === 'changelist') found = await changeLists.list(instance)
      else if (wanted?.kind === 'resourcelist-part') found = await resourceLists.part(instance, wanted.asOf, wanted.part)
      else if (wanted?.kind === 'changelist-part') found = await changeLists.part(instance, wanted.stamp, wanted.part)
      if (found === undefined) throw notFound(`instance ${instance} has no ResourceSync document ${name}`)
      return found
    },

    async record (instance, name) {
      knownInstance(instance)
      const key = parseRecordName(name)
      const latest = key === undefined ? undefined : await history.latest(instance, key)
      if (latest === undefined) throw new SpacelinkError('LINK_RECORD_NOT_FOUND', 404, 'Unknown link record', `instance ${instance} has no link record ${name}`)
      if (latest.change === 'deleted') {
        throw new SpacelinkError('LINK_RECORD_GONE', 410, 'Link record gone',
          `the CollectionSpace media of resource ${latest.rsid} ('${latest.size}') was found deleted at ${w3cTime(latest.datetime)}`)
      }
      const bytes = linkRecord(latest.link)
      return {
        contentType: recordContentType,
        etag: `"${fixity(bytes).sha256}"`,
        lastModified: w3cTime(latest.link.doneAt ?? latest.datetime),
        freshness: 'revalidate',
        body: () => bytes
      }
    }
  }
}

function notFound (detail: string): SpacelinkError {
  return new SpacelinkError('RESOURCESYNC_NOT_FOUND', 404, 'Not found', detail)
}
