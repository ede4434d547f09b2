/**
 * An instance's Resource List: every resource that exists, with its link record's URL, lastmod and
 * fixity. It is always a snapshot of the history after one event `asOf` (the newest when asked), so its
 * bytes depend on `asOf` alone and its parts can never disagree with each other: a part names its `asOf`,
 * and a resource is in exactly one part of a snapshot, whatever happens while a harvester reads them.
 *
 * Up to maxListSize resources: one `<urlset>`. More: a `<sitemapindex>` of parts, each maxListSize
 * resources in (rsid, size) order; where each part starts is found by one pass over the keys of the
 * snapshot, remembered for the few newest snapshots (a few keys each, never the list).
 */
import type { ResourceKey } from '../store/index.js'
import { etagOf, streamOf, xmlContentType, type RsDocument } from './document.js'
import type { Publication } from './publication.js'
import { fixityAttributes } from './record.js'
import { capabilityListName, documentUrl, recordUrl, resourceListName, resourceListPartName } from './urls.js'
import { close, entry, open, w3cTime, type Ln } from './xml.js'

export interface ResourceLists {
  /** `resourcelist.xml`: the newest snapshot, as one list or as an index. */
  list (instance: string): Promise<RsDocument>
  /** Part `part` (1, 2…) of the snapshot after event `asOf`; undefined when there is no such part. */
  part (instance: string, asOf: number, part: number): Promise<RsDocument | undefined>
}

/** Snapshots whose part starts are remembered. */
const rememberedSnapshots = 16

export function createResourceLists (p: Publication): ResourceLists {
  const partStarts = new Map<string, Promise<Array<ResourceKey | undefined>>>()

  /** Where each part of a snapshot starts (after which key); one element: the snapshot fits one list. */
  function startsOf (instance: string, asOf: number): Promise<Array<ResourceKey | undefined>> {
    const cacheKey = `${instance}\n${asOf}`
    let starts = partStarts.get(cacheKey)
    if (starts === undefined) {
      starts = findPartStarts(p, instance, asOf)
      partStarts.set(cacheKey, starts)
      starts.catch(() => partStarts.delete(cacheKey))
      if (partStarts.size > rememberedSnapshots) partStarts.delete(partStarts.keys().next().value as string)
    }
    return starts
  }

  function links (instance: string): { up: Ln, index: Ln } {
    return {
      up: { rel: 'up', href: documentUrl(p.publicUrl, instance, capabilityListName) },
      index: { rel: 'index', href: documentUrl(p.publicUrl, instance, resourceListName) }
    }
  }

  function entries (instance: string, asOf: number, after: ResourceKey | undefined): AsyncIterable<string> {
    return mapAsync(p.history.resourcesAt(instance, { asOf, after, limit: p.maxListSize }), e => entry('urlset', {
      loc: recordUrl(p.publicUrl, instance, e),
      lastmod: w3cTime(e.link.doneAt ?? e.datetime),
      md: fixityAttributes(e.link)
    }))
  }

  return {
    async list (instance) {
      const head = await p.history.head(instance)
      const asOf = head?.seq ?? 0
      // The snapshot holds every change up to its newest event; an empty one, everything since the history began.
      const at = w3cTime(head?.datetime ?? await p.history.startedAt())
      const starts = await startsOf(instance, asOf)
      const { up } = links(instance)
      const common = { contentType: xmlContentType, lastModified: at, freshness: 'revalidate' as const }
      if (starts.length === 1) {
        return {
          ...common,
          etag: etagOf('resourcelist', p.publicUrl, instance, asOf, at, p.maxListSize),
          body: streamOf(async function * resourceList () {
            yield open('urlset', { capability: 'resourcelist', at }, [up])
            yield * entries(instance, asOf, undefined)
            yield close('urlset')
          })
        }
      }
      return {
        ...common,
        etag: etagOf('resourcelist-index', p.publicUrl, instance, asOf, at, p.maxListSize),
        body: streamOf(async function * resourceListIndex () {
          yield open('sitemapindex', { capability: 'resourcelist', at }, [up])
          for (let part = 1; part <= starts.length; part++) {
            yield entry('sitemapindex', { loc: documentUrl(p.publicUrl, instance, resourceListPartName(asOf, part)), md: { at } })
          }
          yield close('sitemapindex')
        })
      }
    },

    async part (instance, asOf, part) {
      const head = await p.history.head(instance)
      if (head === undefined || asOf < 1 || asOf > head.seq || part < 1) return undefined
      const time = await p.history.datetimeOf(instance, asOf) as string
      const starts = await startsOf(instance, asOf)
      if (starts.length === 1 || part > starts.length) return undefined
      const at = w3cTime(time)
      const { up, index } = links(instance)
      return {
        contentType: xmlContentType,
        etag: etagOf('resourcelist-part', p.publicUrl, instance, asOf, part, p.maxListSize),
        lastModified: at,
        freshness: 'fixed',
        body: streamOf(async function * resourceListPart () {
          yield open('urlset', { capability: 'resourcelist', at }, [up, index])
          yield * entries(instance, asOf, starts[part - 1])
          yield close('urlset')
        })
      }
    }
  }
}

async function findPartStarts (p: Publication, instance: string, asOf: number): Promise<Array<ResourceKey | undefined>> {
  const starts: Array<ResourceKey | undefined> = [undefined]
  let count = 0
  let previous: ResourceKey | undefined
  for await (const key of p.history.resourceKeysAt(instance, { asOf, batchSize: 5000 })) {
    if (count > 0 && count % p.maxListSize === 0) starts.push(previous)
    previous = key
    count++
  }
  return starts
}

async function * mapAsync<T, U> (items: AsyncIterable<T>, fn: (item: T) => U): AsyncIterable<U> {
  for await (const item of items) yield fn(item)
}
