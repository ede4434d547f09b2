/**
 * An instance's Change List: the link history, oldest first, one entry per event (`created`, `updated`,
 * `deleted`) with its `datetime`. The history only grows and its events are numbered 1, 2, 3… without
 * gaps, so a part is a fixed range of numbers: part k holds events (k−1)·N+1 … k·N (N = maxListSize).
 * Once a later event exists the part is closed (`until` = its last event's time) and its bytes never change
 * again; an aggregator never finds an entry it has read changed or a new one slipped in before it.
 *
 * Up to N events: one open `<urlset>`. More: a `<sitemapindex>` of parts; each part starts (`from`) where
 * the one before it ended, the first where the history began, and its name carries that time.
 */
import type { LinkEvent } from '../store/index.js'
import { etagOf, streamOf, xmlContentType, type RsDocument } from './document.js'
import type { Publication } from './publication.js'
import { fixityAttributes } from './record.js'
import { capabilityListName, changeListName, changeListPartName, compactTime, documentUrl, recordUrl } from './urls.js'
import { close, entry, open, w3cTime, type Entry, type Ln } from './xml.js'

export interface ChangeLists {
  /** `changelist.xml`: the whole history, as one open list or as an index of parts. */
  list (instance: string): Promise<RsDocument>
  /** Part `part` (1, 2…), whose name carries `stamp` (the compact time it starts at); undefined when there is none. */
  part (instance: string, stamp: string, part: number): Promise<RsDocument | undefined>
}

export function createChangeLists (p: Publication): ChangeLists {
  const n = p.maxListSize

  /** Where part `part` starts: where the history began, or the time of the previous part's last event. */
  async function fromOf (instance: string, part: number): Promise<string> {
    const time = part === 1 ? await p.history.startedAt() : await p.history.datetimeOf(instance, (part - 1) * n)
    return w3cTime(time as string)
  }

  /** A closed part ends with its last event; the open one (nothing after it yet) has no `until`. */
  async function untilOf (instance: string, part: number, total: number): Promise<string | undefined> {
    return total > part * n ? w3cTime(await p.history.datetimeOf(instance, part * n) as string) : undefined
  }

  function changeEntry (instance: string, e: LinkEvent): Entry {
    const loc = recordUrl(p.publicUrl, instance, e)
    const datetime = w3cTime(e.datetime)
    if (e.change === 'deleted') return { loc, md: { change: 'deleted', datetime } }
    return { loc, lastmod: w3cTime(e.link.doneAt ?? e.datetime), md: { change: e.change, datetime, ...fixityAttributes(e.link) } }
  }

  async function * entries (instance: string, from: number, to: number): AsyncIterable<string> {
    for await (const e of p.history.events(instance, { from, to })) yield entry('urlset', changeEntry(instance, e))
  }

  function links (instance: string): { up: Ln, index: Ln } {
    return {
      up: { rel: 'up', href: documentUrl(p.publicUrl, instance, capabilityListName) },
      index: { rel: 'index', href: documentUrl(p.publicUrl, instance, changeListName) }
    }
  }

  return {
    async list (instance) {
      const head = await p.history.head(instance)
      const total = head?.seq ?? 0
      const from = w3cTime(await p.history.startedAt())
      const { up } = links(instance)
      const common = { contentType: xmlContentType, lastModified: w3cTime(head?.datetime ?? from), freshness: 'revalidate' as const }
      if (total <= n) {
        return {
          ...common,
          etag: etagOf('changelist', p.publicUrl, instance, total, from, n),
          body: streamOf(async function * changeList () {
            yield open('urlset', { capability: 'changelist', from }, [up])
            yield * entries(instance, 1, total)
            yield close('urlset')
          })
        }
      }
      return {
        ...common,
        etag: etagOf('changelist-index', p.publicUrl, instance, total, from, n),
        body: streamOf(async function * changeListIndex () {
          yield open('sitemapindex', { capability: 'changelist', from }, [up])
          for (let part = 1; (part - 1) * n < total; part++) {
            const partFrom = await fromOf(instance, part)
            const until = await untilOf(instance, part, total)
            yield entry('sitemapindex', { loc: documentUrl(p.publicUrl, instance, changeListPartName(partFrom, part)), md: { from: partFrom, until } })
          }
          yield close('sitemapindex')
        })
      }
    },

    async part (instance, stamp, part) {
      const total = (await p.history.head(instance))?.seq ?? 0
      if (total <= n || part < 1 || (part - 1) * n >= total) return undefined
      const from = await fromOf(instance, part)
      if (compactTime(from) !== stamp) return undefined
      const until = await untilOf(instance, part, total)
      const last = Math.min(part * n, total)
      const { up, index } = links(instance)
      return {
        contentType: xmlContentType,
        // A closed part's bytes are final; the open one changes with every event added to it.
        etag: until === undefined
          ? etagOf('changelist-part', p.publicUrl, instance, part, from, n, total)
          : etagOf(
            'changelist-part',
            p.publicUrl,
            instance,
            part,
            from,
            n,
            'closed'
          ),
        lastModified: w3cTime(await p.history.datetimeOf(instance, last) as string),
        freshness: until === undefined ? 'revalidate' : 'fixed',
        body: streamOf(async function * changeListPart () {
          yield open('urlset', { capability: 'changelist', from, until }, [up, index])
          yield * entries(instance, (part - 1) * n + 1, last)
          yield close('urlset')
        })
      }
    }
  }
}
