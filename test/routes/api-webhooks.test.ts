/**
 * RS's api_webhooks buttons, as a person uses them: the edit page is saved (dates rebuilt from their
 * parts, every field checked against what the page was loaded with), then RS POSTs the configured URL +
 * ref with the bare ref as body and four headers, and re-renders the page after the answer. Only a
 * `200 OK` status line is silent; a write after the answer makes the person's next save an edit conflict.
 * Timing is decided by the test (a manual deadline timer, requests held until released), never by sleeps.
 */
import t from 'tap'
import net from 'node:net'
import { startHarness, type Harness, type HarnessOptions } from '../helpers/harness.js'
import { manualTimer } from '../helpers/manual-timer.js'

interface RawAnswer { statusLine: string, body: string }

/** The exact bytes a real RS sends (docs/api-webhooks.md §What RS sends), over a socket. */
async function rawPost (port: number, target: string, body: string): Promise<RawAnswer> {
  const request = `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\nContent-type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  return await new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request))
    let data = ''
    socket.on('data', chunk => { data += chunk.toString('utf8') })
    socket.on('end', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n')
      resolve({ statusLine: head.split('\r\n')[0] ?? '', body: rest.join('\r\n\r\n') })
    })
    socket.on('error', reject)
  })
}

async function listening (t: Parameters<typeof startHarness>[0], opts: HarnessOptions = {}): Promise<{
  h: Harness,
  port: number,
  button: (queryType: string) => { url: string, secret: string }
}> {
  const h = await startHarness(t, opts)
  await h.app.listen({ host: '127.0.0.1', port: 0 })
  const address = h.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const port = address.port
  return { h, port, button: queryType => ({ url: `http://127.0.0.1:${port}/api/v1/callback?query_type=${queryType}&rsid=`, secret: h.keys.webhookSecret }) }
}

/** Background work (a push answered at its deadline) has finished. */
async function settled (h: Harness): Promise<void> {
  while (h.app.spacelink.background.size > 0) await Promise.allSettled([...h.app.spacelink.background])
}

t.test('a button with a key in its URL (the observed configuration): 200 OK, the outcome on the re-rendered page, no edit conflict', async t => {
  const { h, port } = await listening(t)
  const page = h.rs.openEditPage(2)
  const press = await h.rs.pressButton(page, { url: `http://127.0.0.1:${port}/api/v1/callback?query_type=validate-cspace-id&key=${h.keys.button}&rsid=` })
  t.equal(press.statusLine, 'HTTP/1.1 200 OK')
  t.equal(press.alert, undefined, 'only "200 OK" is silent in RS')
  t.match(
    press.page.loaded.get(91),
    /spacelink: valid: accession number 2020\.1\.1 is CollectionSpace object/,
    'the outcome is in RS before the answer: the person sees it'
  )
  t.notMatch(press.page.loaded.get(91), /valid: valid/, 'the outcome word once')
  t.same(h.rs.saveEditPage(press.page), { saved: true, errors: [] }, 'nothing was written after the answer: the next save works')
})

t.test('the recommended hash and no key: a push writes metadata, CS URL, status and synced before the answer', async t => {
  const { h, button } = await listening(t)
  const press = await h.rs.pressButton(h.rs.openEditPage(1), button('push-resource'))
  t.equal(press.statusLine, 'HTTP/1.1 200 OK')
  t.equal(h.cs.state().media.length, 1)
  t.equal(press.page.loaded.get(89), 'true')
  t.equal(press.page.loaded.get(8), 'Red Hills and Bones', 'synced means what the nightly means: the metadata is there too')
  t.equal(press.page.loaded.get(12), '1941-00-00', 'the structured date, in the shape the edit form keeps')
  t.match(press.page.loaded.get(91), /pushed: 'scr' to CollectionSpace object 2019\.12\.3/)
  t.same(h.rs.saveEditPage(press.page), { saved: true, errors: [] })
})

t.test('the edit-form save before every press keeps the dates spacelink writes; a free-text date is never written', async t => {
  await t.test('structured dates survive press after press, and the second press changes nothing', async t => {
    const { h, button } = await listening(t)
    const first = await h.rs.pressButton(h.rs.openEditPage(2), button('retrieve-metadata'))
    t.equal(first.page.loaded.get(12), '1920-00-00', "'circa 1920' arrives as its structured year")
    const second = await h.rs.pressButton(first.page, button('retrieve-metadata'))
    t.equal(second.page.loaded.get(12), '1920-00-00', 'the save before the second press kept it')
    t.match(second.page.loaded.get(91), /unchanged: RS already holds the values/, 'nothing to write the second time')
    const full = await h.rs.pressButton(h.rs.openEditPage(5), button('retrieve-metadata'))
    t.equal(full.page.loaded.get(12), '2024-03-05', 'a full structured date is written whole')
  })

  await t.test('a mapping from the free-text display date is refused and named; the date a person entered stays', async t => {
    const { h, button } = await listening(t, {
      configure: c => {
        const art = c.instances.art
        if (art !== undefined) art.mapping = [{ rsField: 12, cs: 'collectionobjects_common/objectProductionDateGroupList/objectProductionDateGroup/dateDisplayDate', join: '; ', blankWhenEmpty: false }]
      }
    })
    const page = h.rs.openEditPage(2)
    t.same(h.rs.saveEditPage(page, { 12: '1921-00-00' }), { saved: true, errors: [] })
    const press = await h.rs.pressButton(h.rs.openEditPage(2), button('retrieve-metadata'))
    t.equal(press.page.loaded.get(12), '1921-00-00', 'the date is not erased')
    t.match(press.page.loaded.get(91), /unchanged: .*\(not written: Date: 'circa 1920' is free text, not a date RS keeps/)
    t.notOk(h.rs.state().writes.some(w => w.field === 12), 'spacelink never wrote the date field')
  })
})

t.test('a problem the person should see (ambiguous) is still 200 OK, with the reason in the status field', async t => {
  const { h, button } = await listening(t)
  const press = await h.rs.pressButton(h.rs.openEditPage(4), button('validate-cspace-id'))
  t.equal(press.statusLine, 'HTTP/1.1 200 OK')
  t.match(press.page.loaded.get(91), /ambiguous: accession number 2001\.5\.1 matches 2 CollectionSpace objects/)
})

t.test('a wrong hash is refused (RS alerts, showing the URL) and nothing is written', async t => {
  const { h, port } = await listening(t)
  const answer = await rawPost(port, `/api/v1/callback?query_type=push-resource&rsid=1&hash=${h.hash(2)}`, '1')
  t.match(answer.statusLine, /^HTTP\/1\.1 401 /)
  t.equal(h.rs.state().writes.length, 0)
  t.equal(h.cs.state().writes.length, 0)
})

t.test('a leaked hash cannot force new versions, revert, or run a query type the museum did not give a button', async t => {
  const { h, port } = await listening(t, { configure: c => { c.resourcespace.webhookQueryTypes = ['validate-cspace-id', 'push-resource'] } })
  const ok = await rawPost(port, `/api/v1/callback?query_type=push-resource&rsid=1&hash=${h.hash(1)}`, '1')
  t.equal(ok.statusLine, 'HTTP/1.1 200 OK')
  const writes = h.rs.state().writes.length
  const csWrites = h.cs.state().writes.length
  for (const target of [
    `/api/v1/callback?query_type=push-resource&force=true&rsid=1&hash=${h.hash(1)}`,
    `/api/v1/callback?query_type=revert&transaction=x&rsid=1&hash=${h.hash(1)}`,
    `/api/v1/callback?query_type=retrieve-metadata&rsid=1&hash=${h.hash(1)}`
  ]) {
    t.match((await rawPost(port, target, '1')).statusLine, /^HTTP\/1\.1 403 /, target.split('&')[0] ?? target)
  }
  t.equal(h.rs.state().writes.length, writes, 'nothing written into RS')
  t.equal(h.cs.state().writes.length, csWrites, 'nothing written into CS: still one media record')
  t.equal(h.cs.state().media.length, 1)
  const withKey = await h.app.inject({ method: 'POST', url: '/api/v1/callback?query_type=push-resource&force=true&rsid=1', headers: { 'x-api-key': h.keys.admin } })
  t.equal(withKey.statusCode, 201, 'an API key may force')
})

t.test('RS unreachable while answering: non-200 so the person sees an alert', async t => {
  const { h, port } = await listening(t)
  h.rs.faults.add({ match: () => true, kind: 'status', status: 503 })
  const answer = await rawPost(port, `/api/v1/callback?query_type=validate-cspace-id&rsid=1&hash=${h.hash(1)}`, '1')
  t.match(answer.statusLine, /^HTTP\/1\.1 50[24] /)
})

t.test('a push past the deadline: RS is told it continues, the answer is 200 OK, RS is never written after it, and the next press completes the resource', async t => {
  const deadline = manualTimer()
  const { h, button } = await listening(t, { services: { sleep: deadline.sleep } })
  let release = (): void => {}
  h.cs.faults.add({ match: { operation: 'POST /blobs' }, kind: 'hold', until: new Promise<void>(resolve => { release = resolve }) })
  const pressing = h.rs.pressButton(h.rs.openEditPage(1), button('push-resource'))
  await deadline.started()
  deadline.fire()
  const press = await pressing
  t.equal(press.statusLine, 'HTTP/1.1 200 OK')
  t.match(press.page.loaded.get(91), /in-progress: the push continues in the background; its result shows here after the next press or nightly run \(reference [0-9a-f-]{36}\)$/)
  release()
  await settled(h)
  t.equal(h.cs.state().media.length, 1, 'the transfer finished')
  t.equal(h.cs.state().relations.length, 2)
  t.same(h.rs.saveEditPage(press.page), { saved: true, errors: [] }, 'no RS write after the answer: the person\'s next save works')
  t.equal(h.rsField(1, 89), '', 'not marked synced by a write after the answer')
  t.same((await h.app.spacelink.store.unfinishedWrites.list('art')).map(u => u.rsid), [1], 'the unwritten final set is remembered for the nightly run')
  const next = await h.rs.pressButton(h.rs.openEditPage(1), button('push-resource'))
  t.equal(next.statusLine, 'HTTP/1.1 200 OK')
  t.equal(h.cs.state().media.length, 1, 'no second media record')
  t.equal(next.page.loaded.get(89), 'true')
  t.match(next.page.loaded.get(91), /already-pushed/)
  t.same(await h.app.spacelink.store.unfinishedWrites.list('art'), [], 'the next write set completed it')
})

t.test('a validate past the deadline answers in-progress (not pushed), and its late outcome goes to the log only', async t => {
  const deadline = manualTimer()
  const { h, button } = await listening(t, { services: { sleep: deadline.sleep } })
  let release = (): void => {}
  h.cs.faults.add({ match: { method: 'GET' }, kind: 'hold', until: new Promise<void>(resolve => { release = resolve }), times: 1 })
  const pressing = h.rs.pressButton(h.rs.openEditPage(1), button('validate-cspace-id'))
  await deadline.started()
  deadline.fire()
  const press = await pressing
  t.equal(press.statusLine, 'HTTP/1.1 200 OK')
  t.match(press.page.loaded.get(91), /in-progress: validate-cspace-id continues in the background/)
  release()
  await settled(h)
  t.same(h.rs.saveEditPage(press.page), { saved: true, errors: [] }, 'the late outcome is not written into RS')
  const txs = await h.app.inject({ method: 'GET', url: '/api/v1/transactions?rsid=1', headers: { 'x-api-key': h.keys.admin } })
  const tx = txs.json()._embedded.transactions[0]
  t.equal(tx.outcome, 'valid')
  t.match(tx.message, /^valid: .*\(finished in the background\)$/)
})

t.test('a deadline that passes while the final writes are under way does not overwrite the finished outcome', async t => {
  const deadline = manualTimer()
  const { h, button } = await listening(t, { services: { sleep: deadline.sleep } })
  let release = (): void => {}
  const held = h.rs.faults.add({ match: { operation: 'update_field' }, kind: 'hold', until: new Promise<void>(resolve => { release = resolve }), times: 1 })
  const pressing = h.rs.pressButton(h.rs.openEditPage(1), button('push-resource'))
  await deadline.started()
  while (held.hits === 0) await new Promise(resolve => setImmediate(resolve))
  deadline.fire()
  release()
  const press = await pressing
  t.equal(press.statusLine, 'HTTP/1.1 200 OK')
  t.match(press.page.loaded.get(91), /pushed: 'scr'/, 'the real outcome, not "continues in the background"')
  t.equal(press.page.loaded.get(89), 'true')
  t.same(await h.app.spacelink.store.unfinishedWrites.list('art'), [])
})
