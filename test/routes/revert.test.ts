/**
 * revert and refused values, as the person reads them: everything is checked before anything is
 * written, what was and was not restored is said, a second revert is `unchanged`, and a value RS would
 * not keep is named but never counted as a change.
 */
import t from 'tap'
import { startHarness, type Harness } from '../helpers/harness.js'

const json = (h: Harness): Record<string, string> => ({ 'x-api-key': h.keys.admin, accept: 'application/json' })
const status = 91

t.test('revert restores what RS allows, names what it refuses (a required title cannot be blanked), and a second revert is unchanged', async t => {
  const h = await startHarness(t)
  // Resource 2 has no title, date or creator yet: retrieve-metadata fills all three.
  const done = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=2&query_type=retrieve-metadata', headers: json(h) })
  t.equal(done.json().outcome, 'updated')
  const id = done.json().transaction as string
  const writesBefore = h.rs.state().writes.length
  const undo = await h.app.inject({ method: 'POST', url: `/api/v1/callback?rsid=2&query_type=revert&transaction=${id}`, headers: json(h) })
  t.equal(undo.statusCode, 200)
  t.equal(undo.json().outcome, 'reverted')
  t.equal(h.rsField(2, 12), '', 'the date is restored (blank)')
  t.equal(h.rsField(2, 92), '', 'the creator is restored (blank)')
  t.equal(h.rsField(2, 8), 'Portrait of a Collaboration', 'the required title stays')
  t.match(undo.json().message, /^reverted: 2 field\(s\) \(.*\) restored to their values before transaction .* \(not written: Title: RS requires a value/)
  t.match(h.rsField(2, status), /reverted: 2 field\(s\).*not written: Title: RS requires a value/, 'the status sentence names what was not restored')
  t.notOk(h.rs.state().writes.slice(writesBefore).some(w => String(w.field) === '8'), 'RS was never asked to blank the title')
  const tx = await h.app.inject({ method: 'GET', url: `/api/v1/transactions/${undo.json().transaction as string}`, headers: json(h) })
  t.equal(
    tx.json().rsWrites.find((w: { field: string }) => w.field === 'spacelinkstatus')?.value,
    h.rsField(2, status),
    'the log names the status sentence really written'
  )

  const again = await h.app.inject({ method: 'POST', url: `/api/v1/callback?rsid=2&query_type=revert&transaction=${id}`, headers: json(h) })
  t.equal(again.statusCode, 200, 'not a 409 blaming spacelink\'s own revert')
  t.equal(again.json().outcome, 'unchanged')
})

t.test('a value that is not one of a list field\'s options: named, not written, not counted; a press with nothing else answers unchanged', async t => {
  const h = await startHarness(
    t,
    { configure: c => { if (c.instances.art !== undefined) c.instances.art.mapping = [{ rsField: 89, cs: 'collectionobjects_common/titleGroupList/titleGroup/title', join: '; ', blankWhenEmpty: false }] } }
  )
  for (let press = 1; press <= 2; press++) {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=2&query_type=retrieve-metadata', headers: json(h) })
    t.equal(res.statusCode, 200)
    t.equal(res.json().outcome, 'unchanged', `press ${press}: the refused value is no change`)
    t.same(res.json().changes, [])
    t.match(res.json().refused, [{ fieldRef: 89, value: 'Portrait of a Collaboration', reason: /not one of its options \(true, false\)/ }])
    t.match(h.rsField(2, status), /unchanged: .*\(not written: Synced to CollectionSpace: 'Portrait of a Collaboration' is not one of its options/)
  }
  t.notOk(h.rs.state().writes.some(w => String(w.field) === '89'), 'the list field was never written (RS would have emptied it)')
})
