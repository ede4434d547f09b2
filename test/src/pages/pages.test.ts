/**
 * Every page escapes what it shows: each renderer is given the same hostile text in every value it takes
 * (RS titles and field values, CS titles and numbers, messages, ids, query parameters) and must show it
 * as text. Plus the words a registrar reads, field names instead of refs, and content negotiation.
 */
import t, { type Test } from 'tap'
import { html, escapeHtml, trusted } from '../../../src/pages/html.js'
import { confirmPage } from '../../../src/pages/confirm-page.js'
import { resultPage } from '../../../src/pages/result-page.js'
import { statusPage } from '../../../src/pages/status-page.js'
import { transactionPage } from '../../../src/pages/transaction-page.js'
import { loginPage } from '../../../src/pages/login-page.js'
import { problemPage } from '../../../src/pages/problem-page.js'
import { fieldLabel } from '../../../src/pages/field-labels.js'
import { parseStatusFilters } from '../../../src/pages/status-filters.js'
import { itemsPerNight } from '../../../src/pages/night-chart.js'
import { outcomeWords } from '../../../src/pages/words.js'
import { prefersHtml } from '../../../src/http/negotiate.js'
import { localPath } from '../../../src/http/form.js'
import { demoConfigFor } from '../../../src/demo/demo-config.js'
import { outcomes } from '../../../src/vocabulary.js'
import type { ActionResult } from '../../../src/actions/types.js'
import type { SyncRunRow, TransactionRow } from '../../../src/store/index.js'

const evil = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)>'
const config = demoConfigFor({ rs: { apiUrl: 'http://rs.test/api/', user: 'u', key: 'k' }, cs: { servicesUrl: 'http://cs.test/cspace-services/' } }, { databaseUrl: 'sqlite::memory:' })

/** No tag or attribute made of the hostile text survives; only its escaped form. */
function safe (t: Test, page: string, what: string): void {
  t.notMatch(page, /<script>alert|<img src=x|onerror=alert\(2\)>/, `${what}: no markup from data`)
  t.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, `${what}: the text is shown escaped`)
}

const transaction: TransactionRow = {
  id: evil,
  startedAt: '2026-11-21T14:02:00.000Z',
  finishedAt: '2026-11-21T14:02:01.000Z',
  caller: 'browser',
  rsid: 2,
  instance: evil,
  queryType: 'retrieve-metadata',
  outcome: 'updated',
  httpStatus: 200,
  durationMs: 120,
  message: `updated: ${evil}`,
  dryRun: false,
  syncRunId: evil,
  steps: [{ system: 'collectionspace', operation: evil, method: 'GET', status: 200, ms: 3, error: evil }],
  raw: evil,
  mapped: null,
  rsWrites: [{ field: evil, fieldRef: 92, title: evil, previous: evil, value: evil, writtenAt: '2026-11-21T14:02:01.000Z' }],
  detailsPrunedAt: null,
  accessionNumber: evil
}

t.test('html`` escapes every value; only html`` and trusted text pass as markup', async t => {
  t.equal(html`<p>${evil}</p>`.text, `<p>${escapeHtml(evil)}</p>`)
  t.equal(html`<a title="${'"quoted"'}">${[1, ' & ', html`<b>${'<i>'}</b>`]}</a>`.text, '<a title="&quot;quoted&quot;">1 &amp; <b>&lt;i&gt;</b></a>')
  t.equal(html`${null}${undefined}${false}${true}`.text, '', 'nothing for absent values')
  t.equal(html`${trusted('<hr>')}`.text, '<hr>')
  t.equal(String(html`x`), 'x')
})

t.test('the confirmation page', async t => {
  const page = confirmPage({
    queryType: 'retrieve-metadata',
    rsid: 2,
    dryRun: true,
    force: true,
    hidden: { rsid: '2', query_type: 'retrieve-metadata', key: evil, instance: undefined },
    action: 'http://spacelink.test/api/v1/callback',
    csrf: evil,
    resourceUrl: `http://rs.test/pages/view.php?ref=2&x=${evil}`,
    preview: {
      resource: { rsid: 2, title: evil, resourceType: 1, resourceTypeName: evil, originalFilename: evil, thumbnailUrl: `http://rs.test/t.jpg?${evil}` },
      instance: evil,
      accessionNumber: evil,
      early: { outcome: 'ambiguous', instanceName: 'art', accessionNumber: evil, detail: evil, candidates: [{ csid: evil, objectNumber: evil, url: `http://cs.test/${evil}`, title: evil }] },
      writes: [{ field: evil, title: evil, current: evil, value: evil }, { field: 's', title: 'spacelink status', current: '', value: '', description: evil }],
      refused: [{ field: evil, fieldRef: 1, title: evil, value: evil, reason: evil }],
      derivative: { size: evil, width: 1, height: 2, pushedAs: evil },
      group: { value: evil, members: [2, 3] },
      unavailable: evil
    }
  })
  safe(t, page, 'confirmation page')
  t.match(page, /<form method="post" action="http:\/\/spacelink\.test\/api\/v1\/callback">/)
  t.match(page, /name="rsid" value="2"/)
  t.notMatch(page, /name="instance"/, 'absent parameters are not repeated')
  t.match(page, /Dry run: nothing will be written/)
  t.match(page, /Cancel and go back to ResourceSpace/)
  t.match(page, /name="viewport"/, 'readable on a phone')
})

t.test('the result page: RS titles, never bare refs; the next step of every failure', async t => {
  const result: ActionResult = {
    transactionId: evil,
    rsid: 2,
    queryType: 'retrieve-metadata',
    instance: evil,
    outcome: 'updated',
    httpStatus: 200,
    message: `updated: ${evil}`,
    accessionNumber: evil,
    object: { csid: evil, objectNumber: evil, url: `http://cs.test/${evil}`, title: evil },
    wroteRs: true,
    rsWrites: [
      { field: 'creator', fieldRef: 92, title: evil, previous: evil, value: evil },
      { field: '91', fieldRef: 91, previous: '', value: 'x' },
      { field: '90', fieldRef: 90, title: '', previous: '', value: 'y' },
      { field: '77', fieldRef: 77, previous: '', value: 'z' }
    ],
    refused: [{ field: evil, fieldRef: null, value: evil, reason: evil }],
    members: [{ ...({} as ActionResult), rsid: 3, outcome: 'not-found', message: `not-found: ${evil}` }]
  }
  const page = resultPage(config, result, { resource: `http://rs.test/${evil}`, record: `http://cs.test/${evil}`, status: 'http://spacelink.test/' })
  safe(t, page, 'result page')
  t.match(page, />spacelink status<\/th>/, 'field 91 by what spacelink uses it for')
  t.match(page, />CollectionSpace record<\/th>/, 'field 90 too')
  t.match(page, />field 77<\/th>/, 'an unknown ref is at least called a field')
  t.match(page, /Reference for IT: <code>/)
  t.match(page, /Back to the status page/)
  t.notMatch(page, /\/api\/v1\/transactions\//, 'no link a registrar could not open')

  for (const outcome of outcomes.filter(o => outcomeWords[o].tone === 'problem')) {
    const failed = resultPage(config, { ...result, outcome, message: `${outcome}: something`, rsWrites: [], changes: [] }, { resource: 'http://rs.test/' })
    t.match(failed, /What to do next:/, `${outcome}: says what to do next`)
    t.match(failed, /class="outcome problem"/, `${outcome}: shown as a problem`)
  }
  const dry = resultPage(config, { ...result, rsWrites: [], changes: [{ field: 'creator', fieldRef: 92, title: 'Creator', previous: '', value: 'x' }] }, { resource: 'http://rs.test/' })
  t.match(dry, /Dry run: nothing was written/)
  const conflict = resultPage(config, { ...result, outcome: 'conflict', changes: [{ field: 'title', fieldRef: 8, title: 'Title', previous: 'a', value: 'b' }] }, { resource: 'http://rs.test/' })
  t.match(conflict, /Changed in ResourceSpace since the earlier change/)
})

t.test('the status, transaction, sign-in and problem pages', async t => {
  const run: SyncRunRow = {
    id: evil,
    instance: evil,
    startedAt: '2026-11-20T02:00:00.000Z',
    finishedAt: '2026-11-20T02:10:00.000Z',
    status: 'finished',
    options: {},
    counts: { pushed: 3, [evil]: 1 },
    total: 4,
    holder: 'x',
    error: evil,
    warnings: []
  }
  const filters = parseStatusFilters({ outcome: 'updated', rsid: '2', from: '2026-11-01', to: '2026-11-30', page: '0' }, ['art'])
  const status = statusPage({
    urls: { self: 'http://spacelink.test/', callback: 'http://spacelink.test/api/v1/callback', transaction: id => `http://spacelink.test/status/transactions/${encodeURIComponent(id)}`, resource: rsid => `http://rs.test/${rsid}` },
    csrf: evil,
    instances: ['art', evil],
    attention: {
      items: [{ transactionId: evil, rsid: 4, instance: evil, queryType: evil, outcome: 'ambiguous', message: evil, accessionNumber: evil, startedAt: '2026-11-20T02:00:00.000Z', caller: evil }],
      byOutcome: { ambiguous: 2 },
      total: 2
    },
    recent: { items: [transaction], total: 1, filters },
    runs: [run],
    nights: itemsPerNight([run], new Date('2026-11-21T12:00:00Z')),
    chrome: { signedIn: { statusUrl: 'http://spacelink.test/', logoutUrl: 'http://spacelink.test/logout', csrf: evil } }
  })
  safe(t, status, 'status page')
  t.match(status, /Showing the 1 most recent of 2/)
  t.match(status, /<svg [^>]*role="img"/, 'the chart is an image with a caption')
  t.match(status, /Items worked on per night, 2026-11-08 to 2026-11-21 \(UTC\): 4 in all, most on 2026-11-20 \(4\)/)
  t.match(status, /Sign out/)

  const detail = transactionPage({
    config,
    transaction,
    csrf: evil,
    urls: { status: 'http://spacelink.test/', callback: 'http://spacelink.test/api/v1/callback', resource: 'http://rs.test/2', syncRun: 'x' },
    revertable: true,
    retryable: true,
    chrome: {}
  })
  safe(t, detail, 'transaction page')
  t.match(detail, /name="query_type" value="revert"/)
  t.match(detail, /Revert: put the earlier values back/)

  safe(t, loginPage({ action: 'http://spacelink.test/login', csrf: evil, next: evil, error: evil }), 'sign-in page')
  safe(t, problemPage(evil, evil, { resource: `http://rs.test/${evil}`, login: `http://spacelink.test/login?next=${evil}` }), 'problem page')
})

t.test('field names, filters, redirects, negotiation', async t => {
  t.equal(fieldLabel(config, { field: 'creator', fieldRef: 92, title: 'Creator' }), 'Creator')
  t.equal(fieldLabel(config, { field: '89', fieldRef: 89, title: null }), 'Synced to CollectionSpace')
  t.equal(fieldLabel(config, { field: 'accessionnumber', fieldRef: null }), 'Accession number')
  t.equal(fieldLabel(config, { field: '95', fieldRef: null }), 'Group')
  t.equal(fieldLabel(config, { field: 'notes', fieldRef: 99 }), 'notes')

  const f = parseStatusFilters({ instance: 'art', outcome: 'not-found', query_type: 'push-resource', rsid: '6', from: '2026-11-01', to: '2026-11-02', page: '3' }, ['art'])
  t.match(f.toTransactionFilter(), { page: 3, size: 25, instance: 'art', outcome: 'not-found', queryType: 'push-resource', rsid: 6, since: '2026-11-01T00:00:00.000Z', until: '2026-11-03T00:00:00.000Z' })
  t.equal(f.query({ page: 4 }), 'instance=art&outcome=not-found&query_type=push-resource&rsid=6&from=2026-11-01&to=2026-11-02&page=4')
  t.ok(f.active)
  t.notOk(parseStatusFilters({}, ['art']).active)
  for (const bad of [{ instance: 'nope' }, { outcome: 'great' }, { rsid: 'x' }, { from: '2026-02-30x' }, { page: '-1' }, { outcome: ['a', 'b'] }]) {
    t.throws(() => parseStatusFilters(bad, ['art']), { code: 'INVALID_INPUT', status: 400 }, JSON.stringify(bad))
  }

  t.equal(localPath('/status/transactions/x?y=1'), '/status/transactions/x?y=1')
  for (const bad of ['//evil.example/', '/\\evil.example', 'https://evil.example/', '/a\r\nSet-Cookie: x', undefined, 42]) t.equal(localPath(bad), '/', String(bad))

  t.ok(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'))
  t.notOk(prefersHtml('*/*'))
  t.notOk(prefersHtml(undefined))
  t.notOk(prefersHtml('application/json'))
  t.notOk(prefersHtml('text/html;q=0.5, application/json'))
})
