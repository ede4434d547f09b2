/**
 * The API describes itself truthfully: every route in /openapi.json has request and response schemas
 * (problem+json included) and its security, the document passes the OpenAPI linter with no error, the
 * response schemas drop nothing the routes send, and every problem `type` resolves to its explanation.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { startHarness } from '../helpers/harness.js'
import { lintOpenApi } from '../helpers/openapi-lint.js'
import { runSync } from '../../src/sync/engine.js'
import { linkView, syncRunView, transactionView } from '../../src/http/views.js'
import { halCollection } from '../../src/http/hal.js'
import { problemAnchor } from '../../src/http/problem-catalogue.js'

const root = join(import.meta.dirname, '..', '..')

interface Operation { operationId?: string, security?: unknown[], responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }

t.test('every operation has response schemas for success and problems, an id and its security', async t => {
  const h = await startHarness(t)
  const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, Operation>> }
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })))
  t.ok(operations.length >= 14, `${operations.length} operations`)
  for (const { name, op } of operations) {
    const responses = Object.entries(op.responses ?? {})
    const success = responses.filter(([status]) => /^2/.test(status))
    t.ok(success.length > 0, `${name}: a success response`)
    for (const [status, r] of responses.filter(([s]) => s !== '304')) {
      t.ok(
        Object.values(r.content ?? {}).some(c => c.schema !== undefined),
      `${name} ${status}: has a schema`
      )
    }
    for (const [status, r] of responses.filter(([s]) => /^[45]/.test(s))) {
      t.ok(
        r.content?.['application/problem+json'] !== undefined,
      `${name} ${status}: problem+json`
      )
    }
    t.ok(typeof op.operationId === 'string', `${name}: operationId`)
    t.ok(Array.isArray(op.security), `${name}: security stated`)
  }
  t.same(Object.keys(doc.paths['/api/v1/sync-runs']?.post?.responses ?? {}).filter(s => /^2/.test(s)), ['202'], 'starting a sync run is a 202')
  const callback = doc.paths['/api/v1/callback']?.post as Operation & {
    parameters?: Array<{ in: string, name: string }>,
    requestBody?: { content: Record<string, { schema: { anyOf?: unknown[] } }> }
  }
  t.same(
    callback.parameters?.filter(p => p.in === 'query').map(p => p.name).sort(),
    ['dry_run', 'force', 'instance', 'query_type', 'reply', 'rsid', 'size', 'transaction'],
    'the query string style (hash and key are the security schemes)'
  )
  t.ok(callback.requestBody?.content['application/json'], 'the JSON style')
  t.equal(callback.requestBody?.content['application/x-www-form-urlencoded']?.schema.anyOf?.length, 2, 'the form style and the api_webhooks bare ref')
  t.same(callback.security, [{ bearer: [] }, { apiKey: [] }, { apiKeyQuery: [] }, { webhookHash: [] }])
  t.same(doc.paths['/health']?.get?.security, [], 'public routes say so')
})

t.test('the OpenAPI document passes the linter (Redocly recommended rules) with no error', async t => {
  const h = await startHarness(t)
  const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json()
  const problems = await lintOpenApi(doc)
  const errors = problems.filter(p => p.severity === 'error')
  t.same(errors, [], 'no errors')
  t.comment(`${problems.length - errors.length} warnings: ${[...new Set(problems.map(p => p.ruleId))].join(', ')}`)
})

t.test('the response schemas drop nothing: each JSON answer equals its view of the stored rows', async t => {
  const h = await startHarness(t)
  const admin = { 'x-api-key': h.keys.admin }
  const push = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=push-resource', headers: { 'x-api-key': h.keys.button } })
  t.equal(push.statusCode, 201)
  t.ok(push.json().rsWrites.length > 0, 'extra members of the result survive')
  await runSync(h.app.spacelink, 'art')
  const { config, store } = h.app.spacelink
  const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v))

  const tx = await store.transactions.get(push.json().transaction)
  t.same(
    (await h.app.inject({ method: 'GET', url: `/api/v1/transactions/${tx!.id}`, headers: admin })).json(),
    plain(transactionView(config, tx!, true)),
    'one transaction'
  )
  const txPage = await store.transactions.list({ page: 0, size: 3, sort: { field: 'startedAt', dir: 'desc' } })
  t.same((await h.app.inject({ method: 'GET', url: '/api/v1/transactions?size=3', headers: admin })).json(),
    plain(halCollection({ publicUrl: config.server.publicUrl, path: '/api/v1/transactions', name: 'transactions', items: txPage.items.map(x => transactionView(config, x, false)), total: txPage.total, paging: { page: 0, size: 3 } })), 'transactions page')

  const link = (await store.links.findByRsid(1))[0]!
  t.same((await h.app.inject({ method: 'GET', url: `/api/v1/links/${link.id}`, headers: admin })).json(), plain(linkView(config, link)), 'one link')
  const linkPage = await store.links.list({ page: 0, size: 20, sort: { field: 'createdAt', dir: 'desc' } })
  t.same((await h.app.inject({ method: 'GET', url: '/api/v1/links', headers: admin })).json(),
    plain(halCollection({ publicUrl: config.server.publicUrl, path: '/api/v1/links', name: 'links', items: linkPage.items.map(l => linkView(config, l)), total: linkPage.total, paging: { page: 0, size: 20 } })), 'links page')

  const runs = await store.syncRuns.list({ page: 0, size: 20 })
  t.same((await h.app.inject({ method: 'GET', url: '/api/v1/sync-runs', headers: admin })).json(),
    plain(halCollection({ publicUrl: config.server.publicUrl, path: '/api/v1/sync-runs', name: 'syncRuns', items: runs.items.map(r => syncRunView(config, r)), total: runs.total, paging: { page: 0, size: 20 } })), 'sync runs page')
  const run = runs.items[0]!
  const items = await store.syncRuns.items(run.id, { page: 0, size: 20 })
  t.same((await h.app.inject({ method: 'GET', url: `/api/v1/sync-runs/${run.id}`, headers: admin })).json(),
    plain({ ...syncRunView(config, run), items: halCollection({ publicUrl: config.server.publicUrl, path: `/api/v1/sync-runs/${run.id}`, name: 'items', items: items.items, total: items.total, paging: { page: 0, size: 20 } }) }), 'one sync run with items')
})

/** Every problem code the source can answer with. */
function codesInSource (): Set<string> {
  const codes = new Set<string>()
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) { if (name !== 'simulators') walk(path); continue }
      if (!name.endsWith('.ts')) continue
      const text = readFileSync(path, 'utf8')
      for (const m of text.matchAll(/(?:SpacelinkError\(|super\(|problem\(\d+, |code: )'([A-Z][A-Z_]+)'/g)) codes.add(m[1]!)
      for (const m of text.matchAll(/code: system === 'resourcespace' \? '([A-Z_]+)' : '([A-Z_]+)'/g)) { codes.add(m[1]!); codes.add(m[2]!) }
    }
  }
  for (const dir of ['src', 'plugins', 'routes']) walk(join(root, dir))
  return codes
}

t.test('/docs/problems explains every problem code, and each type link lands on its entry', async t => {
  const h = await startHarness(t)
  const page = await h.app.inject({ method: 'GET', url: '/docs/problems' })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  const codes = codesInSource()
  t.ok(codes.size >= 30, `${codes.size} codes in the source`)
  for (const code of codes) t.match(page.body, `<section id="${problemAnchor(code)}">`, `${code} has an entry`)

  const refused = await h.app.inject({ method: 'POST', url: '/api/v1/callback?rsid=1&query_type=nope', headers: { 'x-api-key': h.keys.button } })
  const type = refused.json().type as string
  t.equal(type, '/docs/problems#invalid-input')
  const [path, anchor] = type.split('#')
  const target = await h.app.inject({ method: 'GET', url: path! })
  t.equal(target.statusCode, 200, 'the type link resolves')
  t.match(target.body, `id="${anchor!}"`, 'to its anchor')
})
