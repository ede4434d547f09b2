/**
 * A harvester's view of spacelink after real pushes (RS and CS simulators over loopback): discovery from
 * the host-root well-known URL down passes every rule of the test walker, a force push shows as `updated`,
 * a link whose media was found deleted as `deleted`, and what a harvester already read never changes.
 */
import t from 'tap'
import type { Harness } from '../helpers/harness.js'
import { startHarness } from '../helpers/harness.js'
import { engines } from '../helpers/databases.js'
import { parseRsDocument, proxyFetch, walkResourceSync, type RsEntry } from '../helpers/resourcesync-walker.js'

const wellKnown = 'http://spacelink.test/.well-known/resourcesync'
const art = 'http://spacelink.test/resourcesync/art/'

async function push (h: Harness, rsid: number, force = false): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback', headers: { authorization: `Bearer ${h.keys.admin}` }, payload: { rsid, query_type: 'push-resource', ...(force ? { force: true } : {}) } })
  return res.json().outcome as string
}

async function walk (h: Harness) {
  return await walkResourceSync(proxyFetch(h.app, h.config.server.publicUrl), wellKnown)
}

const described = (entries: RsEntry[]): string[] => entries.map(e => `${e.loc.replace(art, '')} ${e.md?.change ?? ''}`.trim())

for (const engine of engines) {
  t.test(engine, async t => {
    const h = await startHarness(t, { engine })
    for (const rsid of [1, 2, 3, 14, 17]) t.equal(await push(h, rsid), 'pushed', `push ${rsid}`)

    t.test('a harvester discovers every link from the well-known URL, and each record is what the lists say', async t => {
      const first = await walk(h)
      t.same(first.problems, [])
      t.same(
        first.capabilityLists,
        [`${art}capabilitylist.xml`, 'http://spacelink.test/resourcesync/film/capabilitylist.xml'],
        'one Capability List per instance'
      )
      const artSet = first.sets.get(`${art}capabilitylist.xml`)!
      t.same(artSet.resources.map(e => e.loc), [1, 2, 3].map(rsid => `${art}records/${rsid}-scr.json`))
      t.same(described(artSet.changes), ['records/1-scr.json created', 'records/2-scr.json created', 'records/3-scr.json created'])
      t.same(
        first.sets.get('http://spacelink.test/resourcesync/film/capabilitylist.xml')!.resources.map(e => e.loc.replace(/.*records\//, '')),
        ['14-pre.json', '17-pre.json']
      )
      t.equal(first.recordsChecked, 5, 'every record fetched and its hash and length recomputed')

      const record = await h.app.inject({ url: '/resourcesync/art/records/2-scr.json' })
      const link = (await h.app.spacelink.store.links.findCurrent(2, 'art', 'scr'))!
      t.match(
        record.json(),
        {
          rsid: 2,
          instance: 'art',
          size: 'scr',
          version: 1,
          linkId: link.id,
          mediaCsid: link.mediaCsid,
          objectNumber: '2020.1.1',
          sha256: link.sha256,
          linkedAt: link.doneAt
        }
      )
      t.equal(record.headers['content-type'], 'application/json')
      t.equal(record.headers.link, `<${wellKnown}>; rel="resourcesync"`, 'the record points harvesters at the Source')
      t.equal(record.headers['content-encoding'], undefined)
      t.match(record.headers['cache-control'], /^public/)
    })

    t.test('force push: updated, with the new version\'s record; deleted media: deleted and 410; history unchanged', async t => {
      const before = await walk(h)
      const beforeChanges = before.sets.get(`${art}capabilitylist.xml`)!.changes
      const beforeBody = (await h.app.inject({ url: '/resourcesync/art/changelist.xml' })).body

      t.equal(await push(h, 2, true), 'pushed')
      const gone = (await h.app.spacelink.store.links.findCurrent(3, 'art', 'scr'))!
      await h.app.spacelink.store.links.markMediaDeleted(gone.id)

      const after = await walk(h)
      t.same(after.problems, [])
      const set = after.sets.get(`${art}capabilitylist.xml`)!
      t.same(
        described(set.changes),
        ['records/1-scr.json created', 'records/2-scr.json created', 'records/3-scr.json created', 'records/2-scr.json updated', 'records/3-scr.json deleted']
      )
      t.same(set.changes.slice(0, beforeChanges.length), beforeChanges, 'the entries a harvester read before are unchanged')
      const afterBody = (await h.app.inject({ url: '/resourcesync/art/changelist.xml' })).body
      t.equal(
        afterBody.slice(0, beforeBody.lastIndexOf('</urlset>')),
        beforeBody.slice(0, beforeBody.lastIndexOf('</urlset>')),
        'byte for byte: new entries are only appended'
      )
      t.same(set.resources.map(e => e.loc), [`${art}records/1-scr.json`, `${art}records/2-scr.json`], 'the deleted resource left the resource list')
      t.not(set.resources[1]!.md?.hash, before.sets.get(`${art}capabilitylist.xml`)!.resources[1]!.md?.hash, 'the updated resource has the new version\'s hash')
      t.equal((await h.app.inject({ url: '/resourcesync/art/records/2-scr.json' })).json().version, 2)
      const deleted = await h.app.inject({ url: '/resourcesync/art/records/3-scr.json' })
      t.equal(deleted.statusCode, 410)
      t.match(deleted.json(), { code: 'LINK_RECORD_GONE', status: 410 })
      t.equal((await h.app.inject({ url: '/resourcesync/art/records/4-scr.json' })).statusCode, 404, 'never linked: 404')
    })

    t.test('conditional requests: 304 for a current ETag or Last-Modified, 200 once something changed', async t => {
      for (const url of ['/.well-known/resourcesync', '/resourcesync/art/capabilitylist.xml', '/resourcesync/art/resourcelist.xml', '/resourcesync/art/changelist.xml', '/resourcesync/art/records/1-scr.json']) {
        const first = await h.app.inject({ url })
        t.equal(first.statusCode, 200, url)
        const etag = String(first.headers.etag)
        t.match(etag, /^"[^"]+"$/, `${url}: a strong ETag`)
        const byTag = await h.app.inject({ url, headers: { 'if-none-match': etag } })
        t.equal(byTag.statusCode, 304, `${url}: If-None-Match`)
        t.equal(byTag.body, '', 'no body')
        t.equal(byTag.headers.etag, etag)
        const byDate = await h.app.inject({ url, headers: { 'if-modified-since': String(first.headers['last-modified']) } })
        t.equal(byDate.statusCode, 304, `${url}: If-Modified-Since`)
        t.equal((await h.app.inject({ url, headers: { 'if-none-match': '"something-else"' } })).statusCode, 200, `${url}: another ETag gets the document`)
        t.same((await h.app.inject({ url })).rawPayload, first.rawPayload, `${url}: the same bytes when nothing changed`)
      }
      const lists = await Promise.all(['/resourcesync/art/resourcelist.xml', '/resourcesync/art/changelist.xml'].map(async url => ({ url, etag: String((await h.app.inject({ url })).headers.etag) })))
      t.equal(await push(h, 5), 'pushed')
      for (const { url, etag } of lists) {
        const again = await h.app.inject({ url, headers: { 'if-none-match': etag } })
        t.equal(again.statusCode, 200, `${url}: a new link makes the old ETag stale`)
        t.match(again.body, /records\/5-scr\.json/)
      }
      const head = await h.app.inject({ method: 'HEAD', url: '/resourcesync/art/changelist.xml' })
      t.equal(head.statusCode, 200)
      t.equal(head.body, '', 'HEAD: headers only')
      t.ok(head.headers.etag)
    })

    t.test('discovery links: the Link header on spacelink\'s JSON and pages', async t => {
      const json = await h.app.inject({ url: '/api/v1/links', headers: { authorization: `Bearer ${h.keys.admin}` } })
      t.equal(json.headers.link, `<${wellKnown}>; rel="resourcesync"`)
      const problem = await h.app.inject({ url: '/api/v1/links' })
      t.equal(problem.statusCode, 401)
      t.equal(problem.headers.link, `<${wellKnown}>; rel="resourcesync"`, 'on problem+json too')
      const page = await h.app.inject({ url: `/api/v1/callback?query_type=status&rsid=1&key=${h.keys.admin}`, headers: { accept: 'text/html' } })
      t.match(page.headers['content-type'], /text\/html/)
      t.equal(page.headers.link, `<${wellKnown}>; rel="resourcesync"`, 'on HTML pages')
      const described = parseRsDocument(wellKnown, (await h.app.inject({ url: '/.well-known/resourcesync' })).rawPayload, [])
      t.equal(described?.md.capability, 'description', 'and it leads to the Source Description')
    })
  })
}
