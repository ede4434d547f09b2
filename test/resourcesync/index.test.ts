/**
 * Lists too long for one document (generated rows, resourcesync.maxListSize lowered to 7), served under a
 * public URL with a path prefix: indexes whose parts a harvester can follow, parts that sort by time, and
 * closed parts and old snapshots whose bytes never change while the history grows.
 */
import t from 'tap'
import { startHarness, type Harness } from '../helpers/harness.js'
import { engines } from '../helpers/databases.js'
import { insertFinishedLinks } from '../helpers/generated-links.js'
import { parseRsDocument, proxyFetch, walkResourceSync } from '../helpers/resourcesync-walker.js'

const publicUrl = 'http://spacelink.test/museum/spacelink/'
const wellKnown = 'http://spacelink.test/.well-known/resourcesync'
const base = `${publicUrl}resourcesync/art/`
const maxListSize = 7

function pathOf (url: string): string {
  return url.replace(publicUrl, '/')
}

async function get (h: Harness, url: string) {
  return await h.app.inject({ url: pathOf(url) })
}

async function walk (h: Harness) {
  return await walkResourceSync(proxyFetch(h.app, publicUrl), wellKnown, { maxEntries: maxListSize })
}

for (const engine of engines) {
  t.test(engine, async t => {
    const h = await startHarness(t, { engine, configure: config => { config.server.publicUrl = publicUrl; config.resourcesync.maxListSize = maxListSize } })
    const { store } = h.app.spacelink
    const pushed = await h.app.inject({ method: 'POST', url: '/api/v1/callback', headers: { authorization: `Bearer ${h.keys.admin}` }, payload: { rsid: 1, query_type: 'push-resource' } })
    t.equal(pushed.json().outcome, 'pushed', 'one link from a real push')
    await insertFinishedLinks(store.db, { instance: 'art', firstRsid: 1000, count: 40 })

    const first = await walk(h)
    t.same(first.problems, [], 'the walker finds nothing wrong')
    const set = first.sets.get(`${base}capabilitylist.xml`)!
    t.equal(set.resourceList.root, 'sitemapindex', 'the resource list became an index')
    t.equal(set.resourceList.entries.length, 6, '41 resources in parts of at most 7')
    t.equal(set.resources.length, 41, 'every resource in exactly one part')
    t.equal(set.changeList.root, 'sitemapindex')
    t.same(set.changeList.entries.map(e => e.md?.until === undefined ? 'open' : 'closed'), ['closed', 'closed', 'closed', 'closed', 'closed', 'open'])
    t.match(
      set.changeList.entries[0]!.loc,
      /^http:\/\/spacelink\.test\/museum\/spacelink\/resourcesync\/art\/changelist-\d{8}T\d{6}Z-00001\.xml$/,
      'parts live under the prefix and are named by their start time'
    )
    t.equal(set.changeList.entries[0]!.md?.from, set.changeList.md.from, 'the first part starts where the history does')
    t.equal(first.recordsChecked, 41, 'every record fetched and checked')
    const capabilityList = parseRsDocument('', (await get(h, `${base}capabilitylist.xml`)).rawPayload, [])
    t.equal(capabilityList?.ln[0]?.href, wellKnown, 'up leads to the host root, outside the prefix')

    const closedParts = await Promise.all(set.changeList.entries.slice(0, 5).map(async e => ({ url: e.loc, res: await get(h, e.loc) })))
    const openPart = set.changeList.entries[5]!.loc
    const openBefore = parseRsDocument(openPart, (await get(h, openPart)).rawPayload, [])!
    const snapshotPart = set.resourceList.entries[0]!.loc
    const snapshotBefore = await get(h, snapshotPart)
    t.match(snapshotBefore.headers['cache-control'], /immutable/)
    t.match(closedParts[0]!.res.headers['cache-control'], /immutable/)

    // The history grows: a forced new version, a deleted media, more links.
    const v1 = (await store.links.findCurrent(1003, 'art', 'scr'))!
    const v2 = await store.links.start({ rsid: 1003, instance: 'art', size: 'scr', objectCsid: 'object-1003', objectNumber: 'GEN.1003', version: 2 })
    await store.links.update(v2.id, { step: 'done', mediaCsid: 'media-1003-v2' })
    await store.links.markMediaDeleted((await store.links.findCurrent(1010, 'art', 'scr'))!.id)
    await insertFinishedLinks(store.db, { instance: 'art', firstRsid: 2000, count: 9 })
    t.not(v1.id, v2.id)

    const second = await walk(h)
    t.same(second.problems, [], 'still nothing wrong')
    const grown = second.sets.get(`${base}capabilitylist.xml`)!
    t.equal(grown.resources.length, 41 - 1 + 9)
    t.same(
      grown.changes.slice(-11).map(e => `${e.loc.replace(/.*records\//, '')} ${e.md?.change}`).slice(0, 2),
      ['1003-scr.json updated', '1010-scr.json deleted']
    )
    for (const { url, res } of closedParts) {
      const again = await get(h, url)
      t.same(again.rawPayload, res.rawPayload, `${url.replace(base, '')}: a closed part is byte for byte the same`)
      t.equal(again.headers.etag, res.headers.etag)
    }
    const openAfter = parseRsDocument(openPart, (await get(h, openPart)).rawPayload, [])!
    t.ok(openAfter.md.until !== undefined, 'the part that was open is closed now that later changes exist')
    t.same(openAfter.entries.slice(0, openBefore.entries.length), openBefore.entries, 'with the entries it had, unchanged, and new ones after them')
    t.same(await get(h, snapshotPart).then(r => r.rawPayload), snapshotBefore.rawPayload, 'a part of an earlier snapshot still answers the same bytes')

    t.test('parts that do not exist are 404s', async t => {
      const asOf = /resourcelist-(\d+)-/.exec(grown.resourceList.entries[0]!.loc)![1]!
      for (const name of [`resourcelist-${asOf}-00099.xml`, 'resourcelist-9999999999-00001.xml', 'changelist-19990101T000000Z-00001.xml', 'changelist-20990101T000000Z-00099.xml', 'nothing.xml']) {
        const res = await h.app.inject({ url: `/resourcesync/art/${name}` })
        t.equal(res.statusCode, 404, name)
        t.equal(res.json().code, 'RESOURCESYNC_NOT_FOUND')
      }
      t.equal((await h.app.inject({ url: '/resourcesync/nope/capabilitylist.xml' })).statusCode, 404, 'unknown instance')
    })
  })
}
