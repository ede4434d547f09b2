/**
 * A stale or failed nightly is noticed and told once per incident: to a webhook receiver and an SMTP sink
 * on loopback, with the instance, the failure and the run/transaction URLs in the text. Time is an injected
 * clock, so "36 hours later" takes no time and no machine is too slow for it.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import type { Config } from '../../src/config/schema.js'
import { SMTPServer } from 'smtp-server'
import { startHarness } from '../helpers/harness.js'
import { runSync } from '../../src/sync/engine.js'
import type { Notice } from '../../src/observability/notifiers.js'

interface Sinks { webhookUrl: string, smtpUrl: string, posts: Notice[], mails: string[] }

async function startSinks (t: Test): Promise<Sinks> {
  const posts: Notice[] = []
  const mails: string[] = []
  const web = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => { body += d.toString() })
    req.on('end', () => { posts.push(JSON.parse(body) as Notice); res.writeHead(204).end() })
  })
  await new Promise<void>(resolve => web.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => web.close(() => resolve())))
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData (stream, _session, callback) {
      let text = ''
      stream.on('data', (d: Buffer) => { text += d.toString() })
      stream.on('end', () => { mails.push(text); callback() })
    }
  })
  await new Promise<void>(resolve => smtp.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => smtp.close(() => resolve())))
  return {
    webhookUrl: `http://127.0.0.1:${(web.address() as AddressInfo).port}/hook`,
    smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    posts,
    mails
  }
}

t.test('a stale instance: exactly one notice by webhook and one by e-mail, however often it is checked', async t => {
  const sinks = await startSinks(t)
  let now = Date.parse('2026-11-20T02:00:00Z')
  const h = await startHarness(t, {
    now: () => new Date(now),
    configure: c => {
      c.instances.art!.schedule = '0 2 * * *'
      c.monitoring.staleAfterHours = 36
      c.monitoring.webhook.url = sinks.webhookUrl
      c.monitoring.email = { smtpUrl: sinks.smtpUrl, from: 'spacelink@museum.test', to: ['it@museum.test'] }
    }
  })
  const summary = await runSync(h.app.spacelink, 'art')
  const finishedAt = Date.parse((await h.app.spacelink.store.syncRuns.get(summary.runId))?.finishedAt ?? '')
  now = finishedAt + 35 * 3_600_000
  t.same(await h.app.syncWatch.check(), [], '35 h after the last success: not stale yet')
  now = finishedAt + 37 * 3_600_000
  const sent = await h.app.syncWatch.check()
  t.equal(sent.length, 1)
  for (let i = 0; i < 5; i++) {
    now += 3_600_000
    t.same(await h.app.syncWatch.check(), [], `check ${i + 1} later in the same incident sends nothing`)
  }
  t.equal(sinks.posts.length, 1, 'one webhook call')
  t.equal(sinks.mails.length, 1, 'one e-mail')
  const post = sinks.posts[0]!
  t.equal(post.event, 'sync-incident-opened')
  t.equal(post.instance, 'art')
  t.equal(post.kind, 'stale')
  t.equal(post.runUrl, `http://spacelink.test/api/v1/sync-runs/${summary.runId}`)
  t.match(post.text, /Instance: art/)
  t.match(post.text, /the last successful sync ended .*37 h ago \(limit 36 h\)/)
  t.match(post.text, `Its transactions: http://spacelink.test/api/v1/transactions?syncRunId=${summary.runId}`)
  const mail = sinks.mails[0]!.replace(/=\r\n/g, '')
  t.match(mail, /Subject: spacelink: the sync of art is stale/)
  t.match(mail, /To: it@museum\.test/)
  t.match(mail, `http://spacelink.test/api/v1/sync-runs/${summary.runId}`)
  t.equal(sinks.posts.filter(p => p.instance === 'film').length, 0, 'film has no schedule: not watched')

  // A successful run ends the incident, with one "recovered" notice.
  await runSync(h.app.spacelink, 'art')
  now = Date.now()
  const recovered = await h.app.syncWatch.check()
  t.same(recovered.map(n => n.kind), ['recovered'])
  t.equal(sinks.posts.length, 2)
  t.same(await h.app.syncWatch.check(), [])
})

t.test('a failed run: one notice naming the failure and the run; a second replica does not repeat it', async t => {
  const sinks = await startSinks(t)
  const now = Date.parse('2026-11-21T03:00:00Z')
  const configure = (c: Config): void => {
    c.instances.art!.schedule = '0 2 * * *'
    c.monitoring.webhook.url = sinks.webhookUrl
  }
  const h = await startHarness(t, { engine: 'postgres', now: () => new Date(now), configure })
  h.rs.faults.add({ match: { operation: 'do_search' }, kind: 'status', status: 500 })
  const summary = await runSync(h.app.spacelink, 'art')
  t.equal(summary.status, 'failed')
  const [first] = await h.app.syncWatch.check()
  t.equal(first?.kind, 'failed')
  t.match(first?.text ?? '', /Problem: the last sync run failed: .*ResourceSpace/)
  t.match(first?.text ?? '', `Run: http://spacelink.test/api/v1/sync-runs/${summary.runId}`)
  // Another replica on the same database checks too: the incident is already open, so it stays quiet.
  const { buildServer } = await import('../../src/server.js')
  const replica = await buildServer({ ...h.config }, { schedule: false, now: () => new Date(now) })
  t.teardown(() => replica.close())
  await replica.ready()
  t.same(await replica.syncWatch.check(), [])
  t.same(await h.app.syncWatch.check(), [])
  t.equal(sinks.posts.length, 1)
})
