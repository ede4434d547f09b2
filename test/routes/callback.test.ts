/**
 * The callback endpoint end to end, over real HTTP to the RS and CS simulators: each caller style and
 * each outcome, asserting what the person sees in RS (fields) and what CS holds afterwards.
 */
import t from 'tap'
import { request } from 'undici'
import { startHarness, type Harness } from '../helpers/harness.js'

const json = (h: Harness): Record<string, string> => ({ 'x-api-key': h.keys.button, accept: 'application/json' })
const status = 91
const csUrl = 90
const synced = 89

t.test('validate-cspace-id: valid writes the status sentence and the CS record URL', async t => {
  const h = await startHarness(t)
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=validate-cspace-id', headers: json(h) })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.outcome, 'valid')
  t.match(res.headers['cache-control'], /no-store/, 'no proxy or browser keeps an action answer')
  t.equal(body.object.csid, '87674c8f-296d-4682-a795')
  t.match(body._links.transaction.href, /^http:\/\/spacelink\.test\/api\/v1\/transactions\//)
  t.match(h.rsField(1, status), /^\d{4}-\d\d-\d\d \d\d:\d\d spacelink: valid: accession number 2019\.12\.3/)
  t.match(h.rsField(1, csUrl), /\/cspace\/art\/record\/collectionobject\/87674c8f-296d-4682-a795$/)
  t.equal(h.cs.state().media.length, 0, 'validate creates nothing in CS')
})

t.test('validate-cspace-id skips the soft-deleted duplicate and reads the number from the filename', async t => {
  const h = await startHarness(t)
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=3&query_type=validate-cspace-id', headers: json(h) })
  t.equal(res.statusCode, 200)
  t.equal(res.json().accessionNumber, '1990.12.3')
  t.equal(res.json().object.csid, 'c0ffee00-0001-4000-8001', 'the live record, not the deleted one')
})

t.test('2024.1.2 matches exactly, not 2024.1.2.5; an apostrophe number is found', async t => {
  const h = await startHarness(t)
  const bowl = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=5&query_type=validate-cspace-id', headers: json(h) })
  t.equal(bowl.json().object.csid, 'b0000001-0001-4000-8001')
  const fragment = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=10&query_type=validate-cspace-id', headers: json(h) })
  t.equal(fragment.statusCode, 200)
  t.equal(fragment.json().object.objectNumber, "1985.4'b")
})

t.test('422 outcomes: ambiguous lists candidates, not-found, no-accession-number, no instance', async t => {
  const h = await startHarness(t)
  const cases: Array<[number, string, string]> = [
    [4, 'ambiguous', 'AMBIGUOUS_OBJECT'],
    [6, 'not-found', 'OBJECT_NOT_FOUND'],
    [7, 'no-accession-number', 'NO_ACCESSION_NUMBER'],
    [13, 'no-instance', 'NO_INSTANCE']
  ]
  for (const [rsid, outcome, code] of cases) {
    const res = await h.app.inject({ method: 'POST', url: `/api/v1/callback?rsid=${rsid}&query_type=validate-cspace-id`, headers: json(h) })
    t.equal(res.statusCode, 422, `${outcome} is 422`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.equal(res.json().code, code)
    t.equal(res.json().outcome, outcome)
    t.match(h.rsField(rsid, status), new RegExp(`spacelink: ${outcome}: `), `RS status says ${outcome}`)
  }
  const ambiguous = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=4&query_type=validate-cspace-id', headers: json(h) })
  t.same(ambiguous.json().candidates.map((c: { csid: string }) => c.csid).sort(), ['a0000001-0001-4000-8001', 'a0000002-0001-4000-8001'])
})

t.test('retrieve-metadata keeps both makers and O\'Keeffe whole; only differing fields are written', async t => {
  const h = await startHarness(t)
  const first = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=2&query_type=retrieve-metadata', headers: json(h) })
  t.equal(first.statusCode, 200)
  t.equal(first.json().outcome, 'updated')
  t.equal(h.rsField(2, 92), "Georgia O'Keeffe; Alfred Stieglitz")
  t.equal(h.rsField(2, 8), 'Portrait of a Collaboration')
  t.equal(h.rsField(2, 12), '1920-00-00', "'circa 1920' as its structured year, in the shape RS's edit form keeps")
  const writesBefore = h.rs.state().writes.filter(w => String(w.ref) === '2').length
  const second = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=2&query_type=retrieve-metadata', headers: json(h) })
  t.equal(second.json().outcome, 'unchanged')
  const writesAfter = h.rs.state().writes.filter(w => String(w.ref) === '2')
  t.same(writesAfter.slice(writesBefore).map(w => String(w.field)), ['91'], 'the second run only updates the status sentence')
})

t.test('retrieve-metadata dry_run returns the diff and writes nothing anywhere', async t => {
  const h = await startHarness(t)
  const writes = h.rs.state().writes.length
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=2&query_type=retrieve-metadata&dry_run=true', headers: json(h) })
  t.equal(res.statusCode, 200)
  t.same(res.json().changes.map((c: { field: string }) => c.field).sort(), ['creator', 'date', 'title'])
  t.match(res.json().message, /^updated: 3 field\(s\) \(.*\) from CollectionSpace object 2020\.1\.1 \(dry run: nothing written\)$/)
  t.equal(h.rs.state().writes.length, writes, 'no RS write, not even the status field')
  t.equal(h.rsField(2, status), '')
})

t.test('transactions record raw CS XML, mapped values and previous RS values; revert restores them', async t => {
  const h = await startHarness(t)
  const admin = { 'x-api-key': h.keys.admin }
  h.editRsField(2, 'title', 'Working title')
  const done = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=2&query_type=retrieve-metadata', headers: json(h) })
  const txId = done.json().transaction
  const tx = await h.app.inject({ method: 'GET', url: `/api/v1/transactions/${txId}`, headers: admin })
  t.equal(tx.statusCode, 200)
  t.match(tx.json().raw, /<objectNumber>2020\.1\.1<\/objectNumber>/)
  t.equal(tx.json().mapped.creator, "Georgia O'Keeffe; Alfred Stieglitz")
  t.ok(tx.json().rsWrites.every((w: { writtenAt: string | null }) => w.writtenAt !== null))
  t.ok(tx.json().steps.length >= 3, 'upstream calls are recorded as steps')

  const undo = await h.app.inject({ method: 'POST', url: `/api/v1/callback?rsid=2&query_type=revert&transaction=${txId}`, headers: json(h) })
  t.equal(undo.statusCode, 200)
  t.equal(undo.json().outcome, 'reverted')
  t.equal(h.rsField(2, 92), '')
  t.equal(h.rsField(2, 8), 'Working title', 'the title the registrar had is back')
})

t.test('revert refuses (409) when someone changed a field since', async t => {
  const h = await startHarness(t)
  const done = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=2&query_type=retrieve-metadata', headers: json(h) })
  h.editRsField(2, 'title', 'Edited by a registrar')
  const undo = await h.app.inject({ method: 'POST', url: `/api/v1/callback?rsid=2&query_type=revert&transaction=${done.json().transaction as string}`, headers: json(h) })
  t.equal(undo.statusCode, 409)
  t.equal(undo.json().code, 'CONFLICT')
  t.equal(h.rsField(2, 8), 'Edited by a registrar', 'the registrar\'s edit survives')
})

t.test('push-resource: 201 with Location, one blob + media + two relations, synced true; second press already-pushed', async t => {
  const h = await startHarness(t)
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=push-resource', headers: json(h) })
  t.equal(res.statusCode, 201)
  t.match(res.headers.location, /^http:\/\/spacelink\.test\/api\/v1\/links\//)
  const state = h.cs.state()
  t.equal(state.blobs.length, 1)
  t.equal(state.media.length, 1)
  t.equal(state.relations.length, 2)
  t.equal(state.blobs[0]?.name, 'okeeffe_red_hills.jpg')
  t.equal(state.media[0]?.identificationNumber, 'RS-1-scr')
  const [a, b] = state.relations
  t.same([a?.subjectCsid, a?.objectCsid].sort(), [b?.subjectCsid, b?.objectCsid].sort(), 'both directions')
  t.equal(h.rsField(1, synced), 'true')
  t.match(h.rsField(1, status), /pushed: 'scr' to CollectionSpace object 2019\.12\.3/)

  const again = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=push-resource', headers: json(h) })
  t.equal(again.statusCode, 200)
  t.equal(again.json().outcome, 'already-pushed')
  t.equal(h.cs.state().media.length, 1)

  const forced = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=push-resource&force=true', headers: json(h) })
  t.equal(forced.statusCode, 201)
  t.equal(h.cs.state().media.length, 2, 'force pushes a new version deliberately')
  t.equal(h.cs.state().media[1]?.identificationNumber, 'RS-1-scr-v2')
})

t.test('push-resource: the stored bytes hash to the RS bytes; no derivative creates nothing', async t => {
  const h = await startHarness(t)
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=11&query_type=push-resource', headers: json(h) })
  t.equal(res.statusCode, 201, 'falls through the preference list to thm')
  const link = await h.app.inject({ method: 'GET', url: res.headers.location as string, headers: { 'x-api-key': h.keys.admin } })
  t.equal(link.json().size, 'thm')
  t.equal(link.json().sha256, h.cs.state().blobs[0]?.sha256)
  t.equal(link.json().byteLength, h.cs.state().blobs[0]?.length)

  const none = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=8&query_type=push-resource', headers: json(h) })
  t.equal(none.statusCode, 422)
  t.equal(none.json().code, 'NO_DERIVATIVE')
  t.equal(h.cs.state().blobs.length, 1, 'the placeholder never reached CS')
})

t.test('push-resource: a _6.jpg file gets no public display', async t => {
  const h = await startHarness(t)
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=9&query_type=push-resource', headers: json(h) })
  t.equal(res.statusCode, 201)
  t.equal(h.cs.state().media[0]?.fields['media_bampfa/websiteDisplayLevel'], 'No public display')
})

t.test('push-resource-group pushes every still of the film to the one object (blob-uri mode)', async t => {
  const h = await startHarness(t)
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=14&query_type=push-resource-group', headers: json(h) })
  t.equal(res.statusCode, 200)
  t.same(res.json().members.map((m: { rsid: number }) => m.rsid), [15, 16], 'the other members, each its own transaction')
  t.match(res.json().message, /^pushed: group of 3 resource\(s\) to CollectionSpace object F-1972-03: 3 pushed$/)
  t.match(
    h.rsField(14, status),
    /pushed: group of 3 resource\(s\) to CollectionSpace object F-1972-03: 3 pushed/,
    'the pressed resource\'s status sums up the group'
  )
  const state = h.cs.state('film')
  t.equal(state.media.length, 3)
  t.equal(state.relations.length, 6)
  t.ok(state.relations.every(r => r.subjectCsid === 'f1100000-0001-4000-8001' || r.objectCsid === 'f1100000-0001-4000-8001'))
  t.ok(state.blobs.every(b => /^daguerreotypes_still_\d\.jpg$/.test(b.name)), 'blobs renamed from download.php to the file stem')
  const again = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=15&query_type=push-resource-group', headers: json(h) })
  t.ok(again.json().members.every((m: { outcome: string }) => m.outcome === 'already-pushed'))
  t.equal(again.json().outcome, 'already-pushed')
  t.equal(h.cs.state('film').media.length, 3)
})

t.test('status is read-only and reports links and earlier actions', async t => {
  const h = await startHarness(t)
  await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=push-resource', headers: json(h) })
  const writes = h.rs.state().writes.length
  const calls = JSON.stringify(h.rs.state().calls)
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=status', headers: json(h) })
  t.equal(res.statusCode, 200)
  t.equal(res.json().status.links[0].step, 'done')
  t.ok(res.json().status.transactions.length >= 1)
  t.equal(h.rs.state().writes.length, writes)
  t.equal(JSON.stringify(h.rs.state().calls), calls, 'status asks RS nothing')
})

t.test('a CS outage is an upstream-error said in RS; the JSON caller gets 502/504', async t => {
  const h = await startHarness(t)
  h.cs.faults.add({ match: { method: 'GET' }, kind: 'status', status: 503 })
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=validate-cspace-id', headers: json(h) })
  t.equal(res.statusCode, 502)
  t.equal(res.json().outcome, 'upstream-error')
  t.match(h.rsField(1, status), /upstream-error: CollectionSpace answered 503/)
})

t.test('a CS value that is not an option of an RS list field is left out; the other fields are written and the status says why', async t => {
  const h = await startHarness(
    t,
    { configure: c => { c.instances.art?.mapping.push({ rsField: 89, cs: 'collectionobjects_common/titleGroupList/titleGroup/title', join: '; ', blankWhenEmpty: false }) } }
  )
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=2&query_type=retrieve-metadata', headers: json(h) })
  t.equal(res.statusCode, 200)
  t.equal(h.rsField(2, 92), "Georgia O'Keeffe; Alfred Stieglitz", 'the other fields were written')
  t.equal(h.rsField(2, synced), '', 'RS did not blank or set the list field')
  t.match(h.rsField(2, status), /not written: Synced to CollectionSpace: 'Portrait of a Collaboration' is not one of its options \(true, false\)/)
  t.equal(res.json().outcome, 'updated', 'the other fields changed')
  t.notOk(res.json().changes.some((c: { fieldRef: number }) => c.fieldRef === 89), 'the refused value is not counted as a change')
  t.match(res.json().refused, [{ fieldRef: 89, reason: /not one of its options/ }])
})

t.test('a refused revert says so in RS', async t => {
  const h = await startHarness(t)
  const done = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=2&query_type=retrieve-metadata', headers: json(h) })
  await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=2&query_type=validate-cspace-id', headers: json(h) })
  h.editRsField(2, 'creator', 'Someone else')
  const undo = await h.app.inject({ method: 'POST', url: `/api/v1/callback?rsid=2&query_type=revert&transaction=${done.json().transaction as string}`, headers: json(h) })
  t.equal(undo.statusCode, 409)
  t.match(
    h.rsField(2, status),
    /conflict: not reverted: Creator changed in RS since transaction/,
    'the status field, rewritten by validate since, is no reason to refuse; creator is'
  )
})

t.test('a download answered by a login redirect or an HTML page is no-derivative (422) and nothing reaches CS', async t => {
  const h = await startHarness(t)
  h.rs.faults.add({ match: { operation: 'download' }, kind: 'status', status: 302, times: 1 })
  const redirected = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=push-resource', headers: json(h) })
  t.equal(redirected.statusCode, 422)
  t.equal(redirected.json().code, 'NO_DERIVATIVE')
  t.match(redirected.json().detail, /login page/)
  h.rs.faults.add({ match: { operation: 'download' }, kind: 'status', status: 200, contentType: 'text/html', body: '<html>Login</html>', times: 1 })
  const html = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=push-resource', headers: json(h) })
  t.equal(html.statusCode, 422)
  t.match(html.json().detail, /text\/html instead of the 'scr' image/)
  t.equal(h.cs.state().blobs.length, 0)
  t.equal(h.cs.state().media.length, 0)
})

t.test('push-resource-group: a member that fails does not stop the others', async t => {
  const h = await startHarness(t)
  // The second member (15) vanishes from RS between the group search and its push: RS answers `false`.
  let reads = 0
  h.rs.faults.add({ match: req => req.operation === 'get_resource_data' && ++reads === 2, kind: 'status', status: 200, contentType: 'application/json', body: 'false' })
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=14&query_type=push-resource-group', headers: json(h) })
  t.equal(res.statusCode, 200)
  const members = res.json().members as Array<{ rsid: number, outcome: string, transaction: string }>
  t.same(members.map(m => [m.rsid, m.outcome]), [[15, 'upstream-error'], [16, 'pushed']])
  t.ok(members.every(m => m.transaction !== ''), 'every member, failed or not, has its transaction')
  t.equal(h.cs.state('film').media.length, 2, 'the member after the failure and the pressed one were pushed')
  t.equal(res.json().outcome, 'upstream-error', 'the group reports its failure')
  t.match(
    h.rsField(14, status),
    /upstream-error: group of 3 resource\(s\) to CollectionSpace object F-1972-03: 2 pushed, 1 upstream-error; failed: resource 15 \(upstream-error\)/,
    'the person reads which member failed'
  )
  t.equal(h.rsField(14, synced), 'true', 'the pressed resource itself was pushed')
})

t.test('a browser press: every onward link of the result page opens a page, and problem types are documented', async t => {
  const h = await startHarness(t)
  const browser = { 'x-api-key': h.keys.button, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' }
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=validate-cspace-id', headers: browser })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html/)
  // In-page links (the skip link to #main) stay on the page.
  const hrefs = [...res.body.matchAll(/href="([^"]+)"/g)].map(m => m[1]!.replaceAll('&amp;', '&')).filter(href => !href.startsWith('#'))
  t.ok(hrefs.some(href => href.includes('/pages/view.php?ref=1')), 'a link back to the resource in RS')
  t.ok(hrefs.some(href => href.includes('/record/collectionobject/')), 'a link to the CS record')
  for (const href of hrefs) {
    const page = await request(href, { headers: { accept: browser.accept } })
    const body = await page.body.text()
    t.equal(page.statusCode, 200, `${href} opens`)
    t.match(page.headers['content-type'], /^text\/html/, `${href} is a page, not JSON`)
    t.notMatch(body, /log ?in/i, `${href} does not ask for a login`)
  }

  const ambiguous = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=4&query_type=validate-cspace-id', headers: json(h) })
  t.equal(ambiguous.statusCode, 422)
  const type = new URL(ambiguous.json().type as string, 'http://spacelink.test')
  const docs = await h.app.inject({ method: 'GET', url: type.pathname })
  t.equal(docs.statusCode, 200, 'the problem type URL is a page')
  t.match(docs.body, new RegExp(`id="${type.hash.slice(1)}"`), 'with a section for this problem')
})
