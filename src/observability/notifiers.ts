/**
 * Where notices go: a webhook (JSON POST, with a `text` member chat tools show as is) and e-mail over SMTP
 * (nodemailer). Both are configured in `monitoring`, with their secrets from the environment.
 */
import nodemailer from 'nodemailer'
import { request } from 'undici'
import type { MonitoringConfig } from '../config/schema.js'

export interface Notice {
  event: 'sync-incident-opened' | 'sync-incident-closed'
  instance: string
  kind: 'failed' | 'stale' | 'recovered'
  subject: string
  /** The human text: instance, what went wrong, the run and transaction URLs. */
  text: string
  runId: string | null
  runUrl: string | null
  transactionsUrl: string | null
  lastSuccessAt: string | null
  at: string
}

export interface Notifier {
  name: string
  send (notice: Notice): Promise<void>
}

export function webhookNotifier (url: string, token: string, timeoutMs = 10_000): Notifier {
  return {
    name: 'webhook',
    async send (notice) {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token === '' ? {} : { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(notice),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs
      })
      await res.body.dump()
      if (res.statusCode >= 300) throw new Error(`the notification webhook answered ${res.statusCode}`)
    }
  }
}

export function emailNotifier (smtpUrl: string, from: string, to: string[]): Notifier {
  const transport = nodemailer.createTransport(smtpUrl)
  return {
    name: 'email',
    async send (notice) {
      await transport.sendMail({ from, to, subject: notice.subject, text: notice.text })
    }
  }
}

/** The notifiers the configuration turns on (none: incidents are still recorded and shown, just not sent). */
export function configuredNotifiers (monitoring: MonitoringConfig): Notifier[] {
  const notifiers: Notifier[] = []
  if (monitoring.webhook.url !== '') notifiers.push(webhookNotifier(monitoring.webhook.url, monitoring.webhook.token))
  if (monitoring.email.smtpUrl !== '' && monitoring.email.to.length > 0) notifiers.push(emailNotifier(monitoring.email.smtpUrl, monitoring.email.from, monitoring.email.to))
  return notifiers
}
