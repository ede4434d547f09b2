/**
 * Who may read the ResourceSync documents (resourcesync.access): public by default, behind a key of scope
 * `resourcesync` (or admin) when `key`, not published at all when `off`.
 */
import t from 'tap'
import { startHarness, type Harness } from '../helpers/harness.js'
import { proxyFetch, walkResourceSync } from '../helpers/resourcesync-walker.js'

const harvesterKey = 'harvester-key-0123456789'
const urls = [
  '/.well-known/resourcesync',
  '/resourcesync/art/capabilitylist.xml',
  '/resourcesync/art/resourcelist.xml',
  '/resourcesync/art/changelist.xml',
  '/resourcesync/art/records/1-scr.json'
]

async function pushOne (h: Harness): Promise<void> {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback', headers: { authorization: `Bearer ${h.keys.admin}` }, payload: { rsid: 1, query_type: 'push-resource' } })
  if (res.json().outcome !== 'pushed') throw new Error(res.body)
}

t.test('public by default: no key needed, shared caches may keep the documents', async t => {
  const h = await startHarness(t)
  t.same(h.config.resourcesync, { access: 'public', maxListSize: 50000 }, 'the defaults')
  await pushOne(h)
  for (const url of urls) {
    const res = await h.app.inject({ url })
    t.equal(res.statusCode, 200, url)
    t.match(res.headers['cache-control'], /^public, /)
  }
})

t.test('key: only keys of scope resourcesync or admin, and only for private caches', async t => {
  const h = await startHarness(t, {
    configure: config => {
      config.resourcesync.access = 'key'
      config.server.apiKeys.push({ key: harvesterKey, scopes: ['resourcesync'] })
    }
  })
  await pushOne(h)
  for (const url of urls) {
    const anonymous = await h.app.inject({ url })
    t.equal(anonymous.statusCode, 401, `${url} without a key`)
    t.equal(anonymous.json().code, 'UNAUTHORIZED')
    const button = await h.app.inject({ url, headers: { authorization: `Bearer ${h.keys.button}` } })
    t.equal(button.statusCode, 403, `${url} with a callback key`)
    t.match(button.json().detail, /ResourceSync documents/)
    const harvester = await h.app.inject({ url, headers: { 'x-api-key': harvesterKey } })
    t.equal(harvester.statusCode, 200, `${url} with a resourcesync key`)
    t.match(harvester.headers['cache-control'], /^private, /)
    t.equal((await h.app.inject({ url, headers: { authorization: `Bearer ${h.keys.admin}` } })).statusCode, 200, `${url} with an admin key`)
  }
  t.equal((await h.app.inject({ url: '/api/v1/links', headers: { 'x-api-key': harvesterKey } })).statusCode, 403, 'a harvester key opens nothing else')
  const walk = await walkResourceSync(
    proxyFetch(h.app, h.config.server.publicUrl, { 'x-api-key': harvesterKey }),
    'http://spacelink.test/.well-known/resourcesync'
  )
  t.same(walk.problems, [], 'a harvester that sends its key can follow everything')
  t.equal(walk.recordsChecked, 1)
})

t.test('off: nothing published, no discovery link', async t => {
  const h = await startHarness(t, { configure: config => { config.resourcesync.access = 'off' } })
  await pushOne(h)
  for (const url of urls) {
    const res = await h.app.inject({ url, headers: { authorization: `Bearer ${h.keys.admin}` } })
    t.equal(res.statusCode, 404, url)
    t.equal(res.json().code, 'RESOURCESYNC_NOT_FOUND')
  }
  const json = await h.app.inject({ url: '/api/v1/links', headers: { authorization: `Bearer ${h.keys.admin}` } })
  t.equal(json.statusCode, 200)
  t.equal(json.headers.link, undefined)
})
