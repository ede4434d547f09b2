/**
 * A ResourceSync "destination" for the tests: it discovers and follows a Source the way the reference
 * clients do (Python resync and Timbuctoo's discovery; the rules are summarised in docs/resourcesync.md),
 * and reports every rule a document breaks instead of stopping at the first.
 *
 * From the host-root well-known URL down: each document is parsed namespace-aware and checked against the
 * XML rules (root element and namespaces, exactly one root rs:md before the first entry, unprefixed
 * attributes, required attributes per capability, W3C UTC datetimes, hex digests, bare media types); each
 * document's `up` (and `index`) must lead to a document of the right capability; capability lists have one
 * entry per capability; index parts sort by name in time order; change lists are oldest first within
 * [from, until]; and every listed resource is fetched and its length, md5, sha-256 and type recomputed.
 */
import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { SaxesParser } from 'saxes'

export const sitemapNs = 'http://www.sitemaps.org/schemas/sitemap/0.9'
export const rsNs = 'http://www.openarchives.org/rs/terms/'

export interface Fetched {
  status: number
  headers: Record<string, string | string[] | number | undefined>
  body: Buffer
}

export type Fetch = (url: string) => Promise<Fetched>

export type Attributes = Record<string, string>

export interface RsEntry {
  loc: string
  lastmod?: string
  md?: Attributes
  ln: Attributes[]
}

export interface RsDoc {
  url: string
  root: 'urlset' | 'sitemapindex'
  md: Attributes
  ln: Attributes[]
  entries: RsEntry[]
}

export interface Walk {
  problems: string[]
  /** Every document fetched, by URL. */
  documents: Map<string, RsDoc>
  /** Capability List URLs, in Source Description order. */
  capabilityLists: string[]
  /** Per Capability List: the Resource List entries (all parts) and the Change List entries (all parts, in order). */
  sets: Map<string, { resources: RsEntry[], changes: RsEntry[], resourceList: RsDoc, changeList: RsDoc }>
  /** How many link records were fetched and checked. */
  recordsChecked: number
}

const capabilities = [
  'description',
  'capabilitylist',
  'resourcelist',
  'changelist',
  'resourcedump',
  'changedump',
  'resourcedump-manifest',
  'changedump-manifest'
]
const utcDatetime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
const timeAttributes = ['at', 'completed', 'from', 'until', 'datetime']
const hashToken = /^(md5:[0-9a-f]{32}|sha-1:[0-9a-f]{40}|sha-256:[0-9a-f]{64})$/
const mediaType = /^[A-Za-z0-9][\w.+-]*\/[A-Za-z0-9][\w.+-]*$/
const childCapabilities: Record<string, string[]> = {
  description: ['capabilitylist'],
  capabilitylist: ['resourcelist', 'resourcedump', 'changelist', 'changedump']
}

/**
 * Parses one document and checks the XML rules every ResourceSync document shares; `problems` gets a line
 * per broken rule. Returns undefined when the document is not a urlset/sitemapindex at all.
 */
export function parseRsDocument (url: string, body: Buffer | string, problems: string[]): RsDoc | undefined {
  const say = (what: string): void => { problems.push(`${url}: ${what}`) }
  const parser = new SaxesParser({ xmlns: true })
  let doc: RsDoc | undefined
  let entry: RsEntry | undefined
  const open: string[] = []
  let text = ''
  let entrySeen = false
  let locCount = 0
  let lastmodCount = 0
  let mdCount = 0
  const attributesOf = (tag: { attributes: Record<string, { uri: string, local: string, value: string, prefix: string }> }, element: string): Attributes => {
    const out: Attributes = {}
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || (a.prefix === '' && a.local === 'xmlns')) continue
      if (a.uri !== '') say(`${element} attribute ${a.prefix}:${a.local} has a namespace prefix (ResourceSync attributes take none)`)
      else out[a.local] = a.value
    }
    return out
  }
  parser.on('opentag', tag => {
    const where = open.join('/')
    open.push(tag.local)
    text = ''
    if (open.length === 1) {
      if (tag.uri !== sitemapNs || (tag.local !== 'urlset' && tag.local !== 'sitemapindex')) {
        say(`root is {${tag.uri}}${tag.local}, not a Sitemap urlset or sitemapindex`)
        return
      }
      if (tag.attributes['xmlns:rs'] === undefined && Object.values(tag.attributes).every(a => a.value !== rsNs)) say('root does not declare the rs namespace')
      doc = { url, root: tag.local, md: {}, ln: [], entries: [] }
      return
    }
    if (doc === undefined) return
    const element = tag.uri === rsNs ? `rs:${tag.local}` : tag.uri === sitemapNs ? tag.local : `{${tag.uri}}${tag.local}`
    if (open.length === 2) {
      if (element === 'rs:md') {
        if (entrySeen) say('root rs:md after the first entry')
        mdCount++
        doc.md = attributesOf(tag as never, 'root rs:md')
      } else if (element === 'rs:ln') {
        if (entrySeen) say('root rs:ln after the first entry')
        doc.ln.push(attributesOf(tag as never, 'root rs:ln'))
      } else if (element === (doc.root === 'urlset' ? 'url' : 'sitemap')) {
        entrySeen = true
        entry = { loc: '', ln: [] }
        locCount = 0
        lastmodCount = 0
        doc.entries.push(entry)
      } else say(`unexpected <${element}> in <${doc.root}>`)
      return
    }
    if (open.length === 3 && entry !== undefined) {
      if (element === 'loc') locCount++
      else if (element === 'lastmod') lastmodCount++
      else if (element === 'rs:md') {
        if (entry.md !== undefined) say(`entry ${entry.loc || '?'} has more than one rs:md`)
        entry.md = attributesOf(tag as never, 'entry rs:md')
      } else if (element === 'rs:ln') entry.ln.push(attributesOf(tag as never, 'entry rs:ln'))
      else if (element !== 'changefreq' && element !== 'priority') say(`unexpected <${element}> in an entry`)
      return
    }
    say(`unexpected <${element}> inside ${where}`)
  })
  parser.on('text', t => { text += t })
  parser.on('closetag', tag => {
    if (open.length === 3 && entry !== undefined) {
      if (tag.local === 'loc') entry.loc = text.trim()
      if (tag.local === 'lastmod') entry.lastmod = text.trim()
    }
    if (open.length === 2 && entry !== undefined && (tag.local === 'url' || tag.local === 'sitemap')) {
      if (locCount !== 1 || entry.loc === '') say(`an entry has ${locCount} <loc> (exactly one non-empty is required)`)
      if (lastmodCount > 1) say(`entry ${entry.loc} has ${lastmodCount} <lastmod>`)
      entry = undefined
    }
    open.pop()
  })
  parser.on('error', err => { say(`not well-formed XML: ${err.message}`) })
  try {
    parser.write(typeof body === 'string' ? body : body.toString('utf8')).close()
  } catch (err) {
    say(`not well-formed XML: ${(err as Error).message}`)
  }
  if (doc === undefined) return undefined
  if (mdCount !== 1) say(`${mdCount} root rs:md (exactly one is required)`)
  checkAttributes(doc, say)
  return doc
}

/** Attribute values every document must get right, wherever they appear. */
function checkAttributes (doc: RsDoc, say: (what: string) => void): void {
  const mds = [doc.md, ...doc.entries.map(e => e.md).filter((md): md is Attributes => md !== undefined)]
  for (const md of mds) {
    if (md.capability !== undefined && !capabilities.includes(md.capability)) say(`unknown capability "${md.capability}" (lowercase names only)`)
    for (const name of timeAttributes) if (md[name] !== undefined && !utcDatetime.test(md[name])) say(`${name}="${md[name]}" is not a UTC W3C datetime with Z`)
    if (md.change !== undefined && !['created', 'updated', 'deleted'].includes(md.change)) say(`change="${md.change}"`)
    if (md.length !== undefined && !/^\d+$/.test(md.length)) say(`length="${md.length}" is not an integer`)
    if (md.type !== undefined && !mediaType.test(md.type)) say(`type="${md.type}" is not a bare media type`)
    if (md.hash !== undefined) {
      const tokens = md.hash.split(/\s+/)
      const algorithms = tokens.map(token => token.split(':')[0])
      if (!tokens.every(token => hashToken.test(token))) say(`hash="${md.hash}" is not lowercase-hex md5/sha-1/sha-256`)
      if (new Set(algorithms).size !== algorithms.length) say(`hash="${md.hash}" repeats an algorithm`)
    }
  }
  for (const ln of [...doc.ln, ...doc.entries.flatMap(e => e.ln)]) {
    if (ln.href === undefined || ln.rel === undefined) say('rs:ln without href and rel')
    if (ln.pri !== undefined && !(Number(ln.pri) >= 1 && Number(ln.pri) <= 999999)) say(`rs:ln pri="${ln.pri}"`)
  }
  for (const e of doc.entries) if (e.lastmod !== undefined && !utcDatetime.test(e.lastmod)) say(`lastmod ${e.lastmod} of ${e.loc} is not a UTC W3C datetime with Z`)
}

/**
 * Walks a Source from its well-known URL and checks everything listed. `maxEntries`: the most entries
 * one list (urlset) may hold (the Sitemap limit, or the lowered limit of a test).
 */
export async function walkResourceSync (fetch: Fetch, wellKnownUrl: string, opts: { maxEntries?: number } = {}): Promise<Walk> {
  const problems: string[] = []
  const documents = new Map<string, RsDoc>()
  const walk: Walk = { problems, documents, capabilityLists: [], sets: new Map(), recordsChecked: 0 }
  const maxEntries = opts.maxEntries ?? 50_000
  const origin = new URL(wellKnownUrl).origin

  async function get (url: string, capability: string, root?: RsDoc['root']): Promise<RsDoc | undefined> {
    const known = documents.get(url)
    if (known !== undefined) return known
    if (new URL(url).origin !== origin) problems.push(`${url}: on another host than the Source`)
    const res = await fetchFollowing(fetch, url)
    if (res.status !== 200) {
      problems.push(`${url}: answered ${res.status}`)
      return undefined
    }
    const doc = parseRsDocument(url, res.body, problems)
    if (doc === undefined) return undefined
    documents.set(url, doc)
    if (doc.md.capability !== capability) problems.push(`${url}: capability "${doc.md.capability}", expected "${capability}"`)
    if (root !== undefined && doc.root !== root) problems.push(`${url}: root <${doc.root}>, expected <${root}>`)
    // The limit is on lists; an index may list up to 50,000 parts whatever the list size.
    if (doc.root === 'urlset' && doc.entries.length > maxEntries) problems.push(`${url}: ${doc.entries.length} entries, more than ${maxEntries}`)
    if (doc.entries.length > 50_000) problems.push(`${url}: ${doc.entries.length} entries, more than the Sitemap limit`)
    return doc
  }

  /** The document's root rs:ln of relation `rel` must lead to a document of `capability`. */
  async function expectLink (doc: RsDoc, rel: string, capability: string, root: RsDoc['root'], href?: string): Promise<void> {
    const links = doc.ln.filter(l => l.rel?.toLowerCase() === rel)
    if (links.length !== 1) {
      problems.push(`${doc.url}: ${links.length} rs:ln rel="${rel}" (one expected)`)
      return
    }
    const target = new URL(links[0]!.href!, doc.url).toString()
    if (href !== undefined && target !== href) problems.push(`${doc.url}: rel="${rel}" is ${target}, expected ${href}`)
    await get(target, capability, root)
  }

  const description = await get(wellKnownUrl, 'description', 'urlset')
  if (description === undefined) return walk
  if (description.ln.some(l => l.rel === 'up')) problems.push(`${wellKnownUrl}: the Source Description has an up link`)
  if (description.entries.length === 0) problems.push(`${wellKnownUrl}: no Capability List`)
  for (const e of description.entries) {
    if (e.md?.capability !== 'capabilitylist') problems.push(`${wellKnownUrl}: entry ${e.loc} is not marked capability="capabilitylist"`)
    const url = new URL(e.loc, wellKnownUrl).toString()
    walk.capabilityLists.push(url)
    const list = await get(url, 'capabilitylist', 'urlset')
    if (list === undefined) continue
    await expectLink(list, 'up', 'description', 'urlset', wellKnownUrl)
    const seen = new Set<string>()
    const children = new Map<string, string>()
    for (const child of list.entries) {
      const capability = child.md?.capability
      if (capability === undefined) problems.push(`${url}: entry ${child.loc} has no rs:md capability`)
      else if (!childCapabilities.capabilitylist!.includes(capability)) problems.push(`${url}: entry of capability ${capability} is not allowed in a Capability List`)
      else if (seen.has(capability)) problems.push(`${url}: more than one ${capability}`)
      else {
        seen.add(capability)
        children.set(capability, new URL(child.loc, url).toString())
      }
    }
    const resourceListUrl = children.get('resourcelist')
    const changeListUrl = children.get('changelist')
    if (resourceListUrl === undefined || changeListUrl === undefined) {
      problems.push(`${url}: needs a resourcelist and a changelist`)
      continue
    }
    const resources = await followList(resourceListUrl, 'resourcelist', url)
    const changes = await followList(changeListUrl, 'changelist', url)
    if (resources === undefined || changes === undefined) continue
    walk.sets.set(url, { resources: resources.entries, changes: changes.entries, resourceList: resources.top, changeList: changes.top })
    checkResourceList(resourceListUrl, resources.entries)
    checkChangeList(changeListUrl, changes)
    checkConsistency(url, resources.entries, changes.entries)
    await checkFixity(resources.entries, changes.entries)
  }
  return walk

  /** A list or an index of lists (the root says which); entries of all parts in the order a client reads them. */
  async function followList (
    listUrl: string,
    capability: string,
    capabilityListUrl: string
  ): Promise<{ top: RsDoc, entries: RsEntry[], parts: RsDoc[] } | undefined> {
    const top = await get(listUrl, capability)
    if (top === undefined) return undefined
    await expectLink(top, 'up', 'capabilitylist', 'urlset', capabilityListUrl)
    requireTimes(top, capability)
    if (top.root === 'urlset') return { top, entries: top.entries, parts: [top] }
    const locs = top.entries.map(e => new URL(e.loc, listUrl).toString())
    const sorted = [...locs].sort()
    if (locs.join('\n') !== sorted.join('\n')) problems.push(`${listUrl}: parts are not listed in the order their names sort (clients read them sorted)`)
    const parts: RsDoc[] = []
    for (const loc of sorted) {
      const part = await get(loc, capability, 'urlset')
      if (part === undefined) continue
      parts.push(part)
      requireTimes(part, capability)
      await expectLink(part, 'up', 'capabilitylist', 'urlset', capabilityListUrl)
      await expectLink(part, 'index', capability, 'sitemapindex', listUrl)
    }
    if (capability === 'changelist') checkChangeListParts(top, parts)
    return { top, entries: parts.flatMap(p => p.entries), parts }
  }

  function requireTimes (doc: RsDoc, capability: string): void {
    if (capability === 'resourcelist' && doc.md.at === undefined) problems.push(`${doc.url}: a resource list needs at`)
    if (capability === 'changelist' && doc.md.from === undefined) problems.push(`${doc.url}: a change list needs from`)
  }

  function checkChangeListParts (index: RsDoc, parts: RsDoc[]): void {
    parts.forEach((part, i) => {
      const listed = index.entries.find(e => new URL(e.loc, index.url).toString() === part.url)?.md ?? {}
      if (listed.from !== part.md.from || listed.until !== part.md.until) problems.push(`${part.url}: from/until differ from the index's (${listed.from}/${listed.until} vs ${part.md.from}/${part.md.until})`)
      const last = i === parts.length - 1
      if (!last && part.md.until === undefined) problems.push(`${part.url}: a part before the last is not closed (no until)`)
      if (last && part.md.until !== undefined) problems.push(`${part.url}: the last part is closed; the open part is missing`)
      const next = parts[i + 1]
      if (next !== undefined && part.md.until !== undefined && next.md.from !== undefined && time(next.md.from) < time(part.md.until)) problems.push(`${next.url}: starts before the previous part ends`)
    })
  }

  function checkResourceList (listUrl: string, entries: RsEntry[]): void {
    const seen = new Set<string>()
    for (const e of entries) {
      if (seen.has(e.loc)) problems.push(`${listUrl}: ${e.loc} listed twice (resync refuses duplicate URIs)`)
      seen.add(e.loc)
      if (e.md?.change !== undefined) problems.push(`${listUrl}: ${e.loc} has a change attribute in a resource list`)
    }
  }

  function checkChangeList (listUrl: string, list: { entries: RsEntry[], parts: RsDoc[] }): void {
    let previous = ''
    for (const part of list.parts) {
      for (const e of part.entries) {
        const md = e.md ?? {}
        if (md.change === undefined) problems.push(`${part.url}: ${e.loc} has no change`)
        if (md.datetime === undefined) {
          problems.push(`${part.url}: ${e.loc} has no datetime`)
          continue
        }
        if (previous !== '' && time(md.datetime) < time(previous)) problems.push(`${part.url}: ${e.loc} at ${md.datetime} comes after a change at ${previous} (oldest first)`)
        previous = md.datetime
        if (part.md.from !== undefined && time(md.datetime) < time(part.md.from)) problems.push(`${part.url}: ${e.loc} at ${md.datetime} is before from=${part.md.from}`)
        if (part.md.until !== undefined && time(md.datetime) > time(part.md.until)) problems.push(`${part.url}: ${e.loc} at ${md.datetime} is after until=${part.md.until}`)
        if (md.change !== 'deleted' && (md.hash === undefined || md.length === undefined)) problems.push(`${part.url}: ${e.loc} (${md.change}) has no hash or length`)
      }
    }
    if (list.parts.length === 0) problems.push(`${listUrl}: no parts`)
  }

  /** What the Resource List holds is what the Change List says exists, at the same lastmod. */
  function checkConsistency (capabilityListUrl: string, resources: RsEntry[], changes: RsEntry[]): void {
    const lastChange = new Map<string, RsEntry>()
    for (const c of changes) lastChange.set(c.loc, c)
    const existing = [...lastChange.values()].filter(c => c.md?.change !== 'deleted').map(c => c.loc).sort()
    const listed = resources.map(r => r.loc).sort()
    if (existing.join('\n') !== listed.join('\n')) problems.push(`${capabilityListUrl}: the resource list (${listed.length}) and the change list's surviving resources (${existing.length}) differ`)
    for (const r of resources) {
      const c = lastChange.get(r.loc)
      if (c !== undefined && (r.lastmod !== c.lastmod || r.md?.hash !== c.md?.hash)) problems.push(`${r.loc}: lastmod/hash in the resource list differ from its last change`)
    }
  }

  /** Every listed resource answers with the bytes its rs:md describes; deleted ones answer 404 or 410. */
  async function checkFixity (resources: RsEntry[], changes: RsEntry[]): Promise<void> {
    for (const r of resources) {
      if (new URL(r.loc).origin !== origin) problems.push(`${r.loc}: on another host than the Source (resync refuses it)`)
      const res = await fetchFollowing(fetch, r.loc)
      walk.recordsChecked++
      if (res.status !== 200) {
        problems.push(`${r.loc}: answered ${res.status}`)
        continue
      }
      const md = r.md ?? {}
      const expected = Object.fromEntries((md.hash ?? '').split(/\s+/).map(token => token.split(':') as [string, string]))
      const actual = { md5: createHash('md5').update(res.body).digest('hex'), 'sha-256': createHash('sha256').update(res.body).digest('hex') }
      if (expected.md5 !== actual.md5 || expected['sha-256'] !== actual['sha-256']) problems.push(`${r.loc}: hash differs from the bytes served`)
      if (Number(md.length) !== res.body.length) problems.push(`${r.loc}: length ${md.length}, served ${res.body.length} bytes`)
      if (res.headers['content-length'] !== undefined && Number(res.headers['content-length']) !== res.body.length) problems.push(`${r.loc}: Content-Length differs from the body`)
      if (md.type !== undefined && String(res.headers['content-type']).split(';')[0] !== md.type) problems.push(`${r.loc}: served as ${String(res.headers['content-type'])}, listed as ${md.type}`)
      if (res.headers['content-encoding'] !== undefined && md.encoding === undefined) problems.push(`${r.loc}: served with a content-coding the list does not declare`)
    }
    const lastChange = new Map<string, RsEntry>()
    for (const c of changes) lastChange.set(c.loc, c)
    for (const [loc, c] of lastChange) {
      if (c.md?.change !== 'deleted') continue
      const res = await fetchFollowing(fetch, loc)
      if (res.status !== 404 && res.status !== 410) problems.push(`${loc}: deleted, but answered ${res.status}`)
    }
  }
}

/** Datetimes compare as times, not as text: `…00.5Z` is later than `…00Z`. */
function time (w3c: string): number {
  return Date.parse(w3c)
}

async function fetchFollowing (fetch: Fetch, url: string): Promise<Fetched> {
  let current = url
  for (let hops = 0; ; hops++) {
    const res = await fetch(current)
    const location = res.headers.location
    if (res.status < 300 || res.status >= 400 || location === undefined || hops === 5) return res
    current = new URL(String(location), current).toString()
  }
}

/**
 * Fetches absolute URLs from the app as a reverse proxy in front of it would: `publicUrl`'s path prefix is
 * stripped, and the host root's /.well-known/resourcesync is passed through; anything else on that host is
 * a 404 from the proxy.
 */
export function proxyFetch (app: FastifyInstance, publicUrl: string, headers: Record<string, string> = {}): Fetch {
  const base = new URL(publicUrl)
  const prefix = base.pathname.replace(/\/+$/, '')
  return async function fetchThroughProxy (url) {
    const target = new URL(url)
    let path: string
    if (target.origin !== base.origin) return { status: 502, headers: {}, body: Buffer.from('') }
    if (target.pathname === '/.well-known/resourcesync') path = target.pathname
    else if (prefix !== '' && target.pathname.startsWith(`${prefix}/`)) path = target.pathname.slice(prefix.length)
    else if (prefix === '') path = target.pathname
    else return { status: 404, headers: {}, body: Buffer.from('not routed by the proxy') }
    const res = await app.inject({ method: 'GET', url: `${path}${target.search}`, headers })
    return { status: res.statusCode, headers: res.headers, body: res.rawPayload }
  }
}
