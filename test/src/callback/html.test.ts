import t from 'tap'
import { confirmPage, escapeHtml, prefersHtml, resultPage } from '../../../src/callback/html.js'
import type { ActionResult } from '../../../src/actions/types.js'

t.test('browsers prefer HTML, curl and JSON clients do not', async t => {
  t.ok(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'))
  t.notOk(prefersHtml('*/*'))
  t.notOk(prefersHtml(undefined))
  t.notOk(prefersHtml('application/json'))
  t.notOk(prefersHtml('text/html;q=0.5, application/json'))
})

t.test('the confirmation page POSTs the same parameters and escapes them', async t => {
  const html = confirmPage(
    { rsid: 5, queryType: 'retrieve-metadata', dryRun: true, force: false, replyRs: false, bareRef: false, key: '"><script>x</script>' },
    '/api/v1/callback'
  )
  t.match(html, /<form method="post" action="\/api\/v1\/callback">/)
  t.match(html, /name="rsid" value="5"/)
  t.match(html, /name="query_type" value="retrieve-metadata"/)
  t.match(html, /name="dry_run" value="true"/)
  t.notMatch(html, /<script>x<\/script>/)
  t.match(html, /&quot;&gt;&lt;script&gt;/)
  t.match(html, /name="viewport"/)
})

t.test('the result page shows the outcome, the fields changed and links back', async t => {
  const result: ActionResult = {
    transactionId: 'tx-1',
    rsid: 2,
    queryType: 'retrieve-metadata',
    instance: 'art',
    outcome: 'updated',
    httpStatus: 200,
    message: 'updated: 1 field(s) (Creator) from CollectionSpace object 2020.1.1',
    wroteRs: true,
    changes: [{ field: 'creator', fieldRef: 92, previous: '', value: "Georgia O'Keeffe; Alfred Stieglitz" }]
  }
  const html = resultPage(
    result,
    { resource: 'https://rs/pages/view.php?ref=2', record: 'https://cs/record/x' }
  )
  t.match(html, /<strong>updated<\/strong>: 1 field\(s\) \(Creator\)/)
  t.notMatch(html, /updated<\/strong>: updated/, 'the outcome word once')
  t.match(html, /Georgia O&#39;Keeffe; Alfred Stieglitz/)
  t.match(html, /href="https:\/\/rs\/pages\/view.php\?ref=2"/)
  t.match(html, /Open the CollectionSpace record/)
  t.match(html, /Reference for IT: <code>tx-1<\/code>/, 'the transaction is named for IT')
  t.notMatch(html, /\/api\/v1\/transactions\//, 'no link a registrar could not open (it needs the admin key)')
  t.equal(escapeHtml('<a href="x">&</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;')
})
