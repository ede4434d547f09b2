/**
 * What RS's resource edit page does around an api_webhooks button (docs/api-webhooks.md): the person's
 * press first saves the form, then RS calls the button's URL with the ref and waits for the answer, then
 * re-renders the page from the database. Two things of that save bite an integration:
 * - date fields are rebuilt from the form's year/month/day parts (RS `pages/edit_fields/4.php` and
 *   `sanitize_date_field_input`): `ca. 1950` becomes ``, `1969` becomes `1969-00-00`; a type-10 date
 *   with RS's native date input refuses anything but `YYYY-MM-DD` and the whole save fails;
 * - every field's value is compared with what the page was loaded with (`check_edit_checksums`): a
 *   value changed meanwhile — e.g. written by the integration after it answered — fails the save with
 *   "Edit conflict".
 */
import { createHmac } from 'node:crypto'
import { request } from 'undici'
import type { RsStore } from './store.js'

/** The date types whose edit form is built from year/month/day parts (6, expiry, includes 4's form). */
const partialDateTypes = new Set([4, 6])
const nativeDateType = 10

export interface EditPage {
  ref: number
  /** Field values as the page was rendered, by field ref. */
  loaded: Map<number, string>
}

export interface SaveResult {
  saved: boolean
  errors: string[]
}

export interface PressResult extends SaveResult {
  /** Whether RS called the URL (only after a successful save). */
  called: boolean
  /** The status line of the answer (`HTTP/1.1 200 OK`), or the failure. */
  statusLine?: string
  /** What RS pops up for the person: anything but a `200 OK` status line, with the whole URL. */
  alert?: string
  /** The page as RS renders it after the answer. */
  page: EditPage
}

export interface EditPageOptions {
  /** RS's `$use_native_input_for_date_field` (on for new installs). */
  nativeDateInput?: boolean
}

export function openEditPage (store: RsStore, ref: number): EditPage {
  const resource = store.resources.get(ref)
  if (resource === undefined) throw new Error(`no resource ${ref}`)
  const loaded = new Map<number, string>()
  for (const field of store.fields.values()) if (store.appliesTo(field, resource.resourceType)) loaded.set(field.ref, store.value(resource, field))
  return { ref, loaded }
}

/** Saves the page unchanged (plus `edits`, by field ref), as the person's press does before the call. */
export function saveEditPage (store: RsStore, page: EditPage, edits: Record<number, string> = {}, opts: EditPageOptions = {}): SaveResult {
  const resource = store.resources.get(page.ref)
  if (resource === undefined) return { saved: false, errors: [`resource ${page.ref} does not exist`] }
  const errors: string[] = []
  const writes: Array<[number, string]> = []
  for (const [ref, shown] of page.loaded) {
    const field = store.fields.get(ref)
    if (field === undefined) continue
    if (store.value(resource, field) !== shown) {
      errors.push(`${field.title}: Edit conflict. Please reload the page`)
      continue
    }
    const posted = edits[ref] ?? shown
    if (partialDateTypes.has(field.type) || (field.type === nativeDateType && opts.nativeDateInput === false)) {
      writes.push([ref, formDate(posted)])
    } else if (field.type === nativeDateType) {
      const value = nativeDate(posted)
      if (value === undefined) errors.push(`${field.title}: Invalid date : ${posted}`)
      else writes.push([ref, value])
    } else if (edits[ref] !== undefined) {
      writes.push([ref, posted])
    }
  }
  if (errors.length > 0) return { saved: false, errors }
  for (const [ref, value] of writes) {
    const field = store.fields.get(ref)
    if (field !== undefined && store.value(resource, field) !== value) store.setText(resource, field, value)
  }
  return { saved: true, errors: [] }
}

/**
 * The person presses an api_webhooks button: save, then (only if the save worked) POST `url + ref` with
 * `&hash=HMAC-SHA256(secret, ref)` when the button has a secret, the bare ref as body and RS's four
 * headers, wait up to 60 s, and re-render the page.
 */
export async function pressButton (store: RsStore, page: EditPage, button: { url: string, secret?: string }, opts: EditPageOptions = {}): Promise<PressResult> {
  const save = saveEditPage(store, page, {}, opts)
  if (!save.saved) return { ...save, called: false, page }
  const ref = String(page.ref)
  const url = `${button.url}${ref}${button.secret === undefined ? '' : `&hash=${createHmac('sha256', button.secret).update(ref).digest('hex')}`}`
  let statusLine: string
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { connection: 'close', 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(ref)) },
      body: ref,
      headersTimeout: 60_000,
      bodyTimeout: 60_000
    })
    await res.body.dump()
    statusLine = `HTTP/1.1 ${res.statusCode} ${res.statusCode === 200 ? 'OK' : (res.statusText ?? '')}`.trim()
  } catch (err) {
    return { saved: true, errors: [`error calling ${url}: ${(err as Error).message}`], called: false, page: openEditPage(store, page.ref) }
  }
  const ok = statusLine.includes('200 OK')
  return { saved: true, errors: [], called: true, statusLine, ...(ok ? {} : { alert: `${url}\n${statusLine}` }), page: openEditPage(store, page.ref) }
}

/** A date as RS's year/month/day form posts it back (`sanitize_date_field_input`). */
export function formDate (value: string): string {
  if (value.trim() === '') return ''
  const [datePart = '', timePart] = value.split(' ')
  const time = timePart?.split(':') ?? []
  const [hour, minute] = time.length >= 2 ? [phpInt(time[0]), phpInt(time[1])] : [-1, -1]
  const parts = datePart.split('-')
  const bce = datePart.startsWith('-')
  const yearText = bce ? `-${parts[1] ?? ''}` : (parts[0] ?? '')
  const month = phpInt(parts[bce ? 2 : 1] ?? '')
  const day = phpInt(parts[bce ? 3 : 2] ?? '')
  const year = yearText === '' ? '' : padSigned(Math.max(phpInt(yearText), bce ? -9999 : 0), yearText.length === 5 ? 5 : 4)
  let val = year !== '' && year !== '0000' ? year : 'year'
  val += `-${month >= 1 && month <= 12 ? pad2(month) : 'month'}`
  val += `-${day >= 1 && day <= 31 ? pad2(day) : 'day'}`
  val += ` ${hour >= 0 && hour <= 23 ? pad2(hour) : 'hh'}:${minute >= 0 && minute <= 59 ? pad2(minute) : 'mm'}`
  for (const [from, to] of [['year-month-day hh:mm', ''], ['year', '0000'], ['month', '00'], ['day', '00'], [' hh:mm', ''], ['hh', '00'], ['mm', '00']] as const) {
    val = val.replaceAll(from, to)
  }
  return val
}

/** RS's native date input: the value if it is `YYYY-MM-DD` (a time part is cut off), `''` kept, else refused. */
function nativeDate (value: string): string | undefined {
  if (value.trim() === '') return ''
  const date = value.length > 10 ? value.slice(0, 10) : value
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (match === null) return undefined
  const d = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  return d.getUTCMonth() === Number(match[2]) - 1 && d.getUTCDate() === Number(match[3]) ? date : undefined
}

/** PHP `intval` of a form string: leading digits (with a sign), else 0. */
function phpInt (text: string | undefined): number {
  const match = /^\s*([+-]?\d+)/.exec(text ?? '')
  return match === null ? (text === undefined || text === '' ? -1 : 0) : Number(match[1])
}

function pad2 (n: number): string {
  return String(n).padStart(2, '0')
}

/** PHP `sprintf('%04d')` / `'%05d'`. */
function padSigned (n: number, width: number): string {
  if (n < 0) return `-${String(-n).padStart(width - 1, '0')}`
  return String(Math.max(0, n)).padStart(width, '0')
}
