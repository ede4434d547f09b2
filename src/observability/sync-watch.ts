/**
 * The sync watch: notices an instance whose last sync run failed, or whose last successful sync ended longer
 * ago than its limit, and notifies once per incident. An incident opens when the instance turns unhealthy
 * and closes (with a "recovered" notice) when a later run succeeds; checks in between send nothing. The open
 * incident is a database row, so replicas and restarts share it. Time comes from `now`, never the wall clock.
 */
import type { Services } from '../actions/context.js'
import { absoluteUrl } from '../util/url.js'
import type { SyncRunRow } from '../store/index.js'
import type { Notice, Notifier } from './notifiers.js'
import { watchedInstances, type WatchedInstance } from './watched-instances.js'

export interface SyncWatch {
  /** Looks at every watched instance once; returns the notices it sent. */
  check (): Promise<Notice[]>
}

type Health =
  | { kind: 'ok' }
  | { kind: 'failed', run: SyncRunRow, lastSuccess: SyncRunRow | undefined }
  | { kind: 'stale', lastRun: SyncRunRow | undefined, lastSuccess: SyncRunRow | undefined, sinceHours: number }

const hour = 3_600_000

export function createSyncWatch (init: {
  services: Pick<Services, 'config' | 'store' | 'log'>
  notifiers: Notifier[]
  now: () => Date
}): SyncWatch {
  const { services: { config, store, log }, notifiers, now } = init
  // An instance that never synced counts as stale only once the watch has waited its limit.
  const watchingSince = now().getTime()

  async function health (w: WatchedInstance): Promise<Health> {
    const recent = await store.syncRuns.list({ instance: w.instance, page: 0, size: 10 })
    const lastRun = recent.items.find(r => r.status !== 'running')
    const lastSuccess = await store.syncRuns.lastSucceeded(w.instance)
    if (lastRun !== undefined && (lastRun.status === 'failed' || lastRun.status === 'interrupted')) return { kind: 'failed', run: lastRun, lastSuccess }
    const since = lastSuccess?.finishedAt != null ? Date.parse(lastSuccess.finishedAt) : watchingSince
    const sinceHours = (now().getTime() - since) / hour
    if (sinceHours > w.staleAfterHours) return { kind: 'stale', lastRun, lastSuccess, sinceHours }
    return { kind: 'ok' }
  }

  function notice (w: WatchedInstance, h: Health, event: Notice['event']): Notice {
    const run = h.kind === 'failed' ? h.run : h.kind === 'stale' ? h.lastRun : undefined
    const lastSuccess = h.kind === 'ok' ? undefined : h.lastSuccess
    const runUrl = run === undefined ? null : absoluteUrl(config.server.publicUrl, `/api/v1/sync-runs/${run.id}`)
    const transactionsUrl = run === undefined ? null : absoluteUrl(config.server.publicUrl, `/api/v1/transactions?syncRunId=${run.id}`)
    const lastSuccessAt = lastSuccess?.finishedAt ?? null
    const lines: string[] = [`Instance: ${w.instance}`]
    let subject: string
    if (h.kind === 'failed') {
      subject = `spacelink: the sync of ${w.instance} failed`
      lines.push(`Problem: the last sync run ${h.run.status === 'interrupted' ? 'was interrupted' : 'failed'}: ${h.run.error ?? 'no reason recorded'}`)
    } else if (h.kind === 'stale') {
      subject = `spacelink: the sync of ${w.instance} is stale`
      lines.push(lastSuccessAt === null
        ? `Problem: no successful sync in the ${Math.floor(h.sinceHours)} h spacelink has been watching (limit ${w.staleAfterHours} h)`
        : `Problem: the last successful sync ended ${lastSuccessAt}, ${Math.floor(h.sinceHours)} h ago (limit ${w.staleAfterHours} h)`)
    } else {
      subject = `spacelink: the sync of ${w.instance} has recovered`
      lines.push('The last sync run succeeded; the incident is closed.')
    }
    if (lastSuccessAt !== null && h.kind === 'failed') lines.push(`Last successful sync: ${lastSuccessAt}`)
    if (run !== undefined) {
      const counts = Object.entries(run.counts).map(([o, n]) => `${o} ${n}`).join(', ')
      lines.push(
        `Last run: ${run.status}, started ${run.startedAt}${counts === '' ? '' : ` (${counts})`}`,
        `Run: ${runUrl ?? ''}`,
        `Its transactions: ${transactionsUrl ?? ''}`
      )
    }
    if (h.kind !== 'ok') lines.push(`Start a run: POST ${absoluteUrl(config.server.publicUrl, '/api/v1/sync-runs')} {"instance":"${w.instance}"}`)
    return {
      event,
      instance: w.instance,
      kind: h.kind === 'ok' ? 'recovered' : h.kind,
      subject,
      text: `${lines.join('\n')}\n`,
      runId: run?.id ?? null,
      runUrl,
      transactionsUrl,
      lastSuccessAt,
      at: now().toISOString()
    }
  }

  /** Sends to every notifier; true when at least one took it (or there is none to take it). */
  async function deliver (n: Notice): Promise<boolean> {
    if (notifiers.length === 0) {
      log.warn({ instance: n.instance, kind: n.kind }, `${n.subject} (no notifier configured)`)
      return true
    }
    const results = await Promise.allSettled(notifiers.map(async x => { await x.send(n) }))
    results.forEach((r, i) => { if (r.status === 'rejected') log.error({ err: r.reason, notifier: notifiers[i]?.name, instance: n.instance }, 'notification failed') })
    return results.some(r => r.status === 'fulfilled')
  }

  async function checkOne (w: WatchedInstance): Promise<Notice | undefined> {
    const h = await health(w)
    if (h.kind === 'ok') {
      const closed = await store.incidents.close(w.instance)
      if (closed === undefined) return undefined
      const n = notice(w, h, 'sync-incident-closed')
      await deliver(n)
      return n
    }
    const opened = await store.incidents.open({ instance: w.instance, kind: h.kind, detail: h.kind === 'failed' ? h.run.error ?? 'failed' : 'stale', runId: h.kind === 'failed' ? h.run.id : h.lastRun?.id ?? null, openedAt: now().toISOString() })
    if (!opened) return undefined
    const n = notice(w, h, 'sync-incident-opened')
    log.warn({ instance: w.instance, kind: h.kind, runId: n.runId }, n.subject)
    // Nobody could be told: reopen at the next check instead of keeping a silent incident.
    if (!await deliver(n)) await store.incidents.close(w.instance)
    return n
  }

  return {
    async check () {
      const sent: Notice[] = []
      for (const w of watchedInstances(config)) {
        try {
          const n = await checkOne(w)
          if (n !== undefined) sent.push(n)
        } catch (err) {
          log.error({ err, instance: w.instance }, 'sync watch: check failed')
        }
      }
      return sent
    }
  }
}
