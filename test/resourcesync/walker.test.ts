/**
 * The test walker must be able to fail: a small hand-written Source passes it, and each way real clients
 * break on (docs/resourcesync.md, "What clients check") is reported when it is introduced.
 */
import { createHash } from 'node:crypto'
import t from 'tap'
import { walkResourceSync, type Fetch } from '../helpers/resourcesync-walker.js'

const host = 'http://source.test'
const ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:rs="http://www.openarchives.org/rs/terms/"'
const record = Buffer.from('{"rsid":1}')
const md5 = createHash('md5').update(record).digest('hex')
const sha = createHash('sha256').update(record).digest('hex')
const fixity = `hash="md5:${md5} sha-256:${sha}" length="${record.length}" type="application/json"`

function source (): Map<string, string | Buffer> {
  return new Map<string, string | Buffer>([
    ['/.well-known/resourcesync', `<?xml version="1.0" encoding="UTF-8"?><urlset ${ns}><rs:md capability="description"/>
      <url><loc>${host}/cl.xml</loc><rs:md capability="capabilitylist"/></url></urlset>`],
    ['/cl.xml', `<urlset ${ns}><rs:ln rel="up" href="${host}/.well-known/resourcesync"/><rs:md capability="capabilitylist"/>
      <url><loc>${host}/rl.xml</loc><rs:md capability="resourcelist"/></url>
      <url><loc>${host}/ch.xml</loc><rs:md capability="changelist"/></url></urlset>`],
    ['/rl.xml', `<urlset ${ns}><rs:ln rel="up" href="${host}/cl.xml"/><rs:md capability="resourcelist" at="2025-01-02T00:00:00Z"/>
      <url><loc>${host}/r/1.json</loc><lastmod>2025-01-01T00:00:00Z</lastmod><rs:md ${fixity}/></url></urlset>`],
    ['/ch.xml', `<urlset ${ns}><rs:ln rel="up" href="${host}/cl.xml"/><rs:md capability="changelist" from="2024-12-31T00:00:00Z"/>
      <url><loc>${host}/r/2.json</loc><lastmod>2024-12-31T01:00:00Z</lastmod><rs:md change="created" datetime="2024-12-31T01:00:00Z" ${fixity}/></url>
      <url><loc>${host}/r/1.json</loc><lastmod>2025-01-01T00:00:00Z</lastmod><rs:md change="created" datetime="2025-01-01T00:00:00Z" ${fixity}/></url>
      <url><loc>${host}/r/2.json</loc><rs:md change="deleted" datetime="2025-01-01T00:00:01Z"/></url></urlset>`],
    ['/r/1.json', record]
  ])
}

function serve (docs: Map<string, string | Buffer>): Fetch {
  return async url => {
    const body = docs.get(new URL(url).pathname)
    if (body === undefined) return { status: 404, headers: {}, body: Buffer.from('') }
    return { status: 200, headers: { 'content-type': url.endsWith('.json') ? 'application/json' : 'application/xml' }, body: Buffer.from(body) }
  }
}

async function problemsWith (change: (docs: Map<string, string | Buffer>) => void): Promise<string[]> {
  const docs = source()
  change(docs)
  return (await walkResourceSync(serve(docs), `${host}/.well-known/resourcesync`)).problems
}

function edit (docs: Map<string, string | Buffer>, path: string, from: string | RegExp, to: string): void {
  const before = String(docs.get(path))
  const after = before.replace(from, to)
  if (after === before) throw new Error(`the edit of ${path} changed nothing`)
  docs.set(path, after)
}

t.test('a correct Source passes', async t => {
  const walk = await walkResourceSync(serve(source()), `${host}/.well-known/resourcesync`)
  t.same(walk.problems, [])
  t.equal(walk.recordsChecked, 1)
})

const breakages: Array<[string, (docs: Map<string, string | Buffer>) => void, RegExp]> = [
  [
    'root rs:md after the first entry',
    d => edit(d, '/rl.xml', /(<rs:md capability="resourcelist"[^>]*\/>)([\s\S]*)(<\/urlset>)/, '$2$1$3'),
    /root rs:md after the first entry/
  ],
  [
    'two root rs:md',
    d => edit(d, '/rl.xml', '<rs:md capability="resourcelist"', '<rs:md capability="resourcelist"/><rs:md capability="resourcelist"'),
    /2 root rs:md/
  ],
  ['no up link', d => edit(d, '/ch.xml', `<rs:ln rel="up" href="${host}/cl.xml"/>`, ''), /0 rs:ln rel="up"/],
  ['up to the wrong document', d => edit(d, '/cl.xml', `href="${host}/.well-known/resourcesync"`, `href="${host}/rl.xml"`), /rel="up" is .*rl\.xml, expected/],
  ['the wrong capability', d => edit(d, '/rl.xml', 'capability="resourcelist"', 'capability="changelist"'), /capability "changelist", expected "resourcelist"/],
  ['an uppercase capability', d => edit(d, '/cl.xml', 'capability="changelist"', 'capability="ChangeList"'), /unknown capability "ChangeList"/],
  ['a prefixed attribute', d => edit(d, '/rl.xml', 'rs:md capability="resourcelist"', 'rs:md rs:capability="resourcelist"'), /has a namespace prefix/],
  ['a datetime without a zone', d => edit(d, '/ch.xml', 'datetime="2025-01-01T00:00:00Z"', 'datetime="2025-01-01T00:00:00"'), /is not a UTC W3C datetime/],
  ['a change list out of order', d => edit(d, '/ch.xml', 'datetime="2024-12-31T01:00:00Z"', 'datetime="2025-01-01T00:00:00.5Z"'), /oldest first/],
  ['a change before from', d => edit(d, '/ch.xml', 'from="2024-12-31T00:00:00Z"', 'from="2025-01-01T00:00:00Z"'), /is before from=/],
  ['no datetime on a change', d => edit(d, '/ch.xml', ' datetime="2025-01-01T00:00:01Z"', ''), /has no datetime/],
  ['a hash that is not the bytes', d => d.set('/r/1.json', Buffer.from('{"rsid":2}')), /hash differs from the bytes served/],
  ['a base64 hash', d => edit(d, '/rl.xml', `md5:${md5}`, `md5:${Buffer.from(md5, 'hex').toString('base64')}`), /is not lowercase-hex/],
  ['a wrong length', d => edit(d, '/rl.xml', `length="${record.length}"`, 'length="5"'), /length 5, served/],
  ['a type with parameters', d => edit(d, '/rl.xml', 'type="application/json"', 'type="application/json; charset=utf-8"'), /not a bare media type/],
  ['the same URI twice in a resource list', d => edit(d, '/rl.xml', /(<url>[\s\S]*<\/url>)/, '$1$1'), /listed twice/],
  ['a resource list the change list disagrees with', d => edit(
    d,
    '/ch.xml',
    /<url><loc>[^<]*\/r\/1\.json<\/loc>[\s\S]*?<\/url>/,
    ''
  ), /the resource list \(1\) and the change list's surviving resources \(0\) differ/],
  ['a deleted resource that still answers', d => d.set('/r/2.json', '{}'), /deleted, but answered 200/],
  ['a resource on another host', d => edit(d, '/rl.xml', `${host}/r/1.json`, 'http://elsewhere.test/r/1.json'), /on another host than the Source/],
  [
    'a capability list listed with the wrong capability',
    d => edit(d, '/.well-known/resourcesync', 'capability="capabilitylist"', 'capability="resourcelist"'),
    /is not marked capability="capabilitylist"/
  ],
  ['two change lists in one capability list', d => edit(d, '/cl.xml', /(<url><loc>[^<]*ch\.xml<\/loc>[^]*?<\/url>)/, '$1$1'), /more than one changelist/],
  ['an element that does not belong', d => edit(d, '/rl.xml', '<lastmod>', '<title>x</title><lastmod>'), /unexpected <title>/],
  ['not XML', d => d.set('/cl.xml', '<urlset'), /not well-formed XML/]
]

for (const [name, change, expected] of breakages) {
  t.test(`reported: ${name}`, async t => {
    const problems = await problemsWith(change)
    t.ok(problems.some(p => expected.test(p)), `expected ${String(expected)}, got ${JSON.stringify(problems)}`)
  })
}

t.test('indexes: parts must sort by name in the order listed, link back to their index, and close in order', async t => {
  const docs = source()
  docs.set('/ch.xml', `<sitemapindex ${ns}><rs:ln rel="up" href="${host}/cl.xml"/><rs:md capability="changelist" from="2024-12-31T00:00:00Z"/>
    <sitemap><loc>${host}/ch-2.xml</loc><rs:md from="2025-01-01T00:00:00Z"/></sitemap>
    <sitemap><loc>${host}/ch-1.xml</loc><rs:md from="2024-12-31T00:00:00Z" until="2025-01-01T00:00:00Z"/></sitemap></sitemapindex>`)
  docs.set('/ch-1.xml', `<urlset ${ns}><rs:ln rel="up" href="${host}/cl.xml"/><rs:md capability="changelist" from="2024-12-31T00:00:00Z" until="2025-01-01T00:00:00Z"/>
    <url><loc>${host}/r/1.json</loc><lastmod>2025-01-01T00:00:00Z</lastmod><rs:md change="created" datetime="2025-01-01T00:00:00Z" ${fixity}/></url></urlset>`)
  docs.set(
    '/ch-2.xml',
    `<urlset ${ns}><rs:ln rel="up" href="${host}/cl.xml"/><rs:md capability="changelist" from="2025-01-01T00:00:00Z" until="2025-01-02T00:00:00Z"/></urlset>`
  )
  const problems = (await walkResourceSync(serve(docs), `${host}/.well-known/resourcesync`)).problems
  t.ok(problems.some(p => /parts are not listed in the order their names sort/.test(p)))
  t.ok(problems.some(p => /ch-1\.xml: 0 rs:ln rel="index"/.test(p)))
  t.ok(problems.some(p => /the last part is closed/.test(p)))
  t.ok(problems.some(p => /from\/until differ from the index's/.test(p)))
})
