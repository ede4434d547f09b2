/**
 * Reading ResourceSpace answers: the zoo of shapes a call can come back in turned into parsed JSON or
 * a typed error, and the rows RS sends turned into the shapes spacelink uses. RS mixes ints and numeric
 * strings between functions, so every id is read with `toInt` (docs/resourcespace-api.md §Answers).
 */
import { upstreamBadAnswer, upstreamForbidden, upstreamStatus } from '../errors.js'
import { isRecord } from '../util/records.js'
import type { TextResponse } from './http.js'
import type { FieldDefinition } from './rs-fields.js'

/** One `do_search` row. */
export interface SearchRow {
  ref: number
  resourceType: number
  archive: number
  hasImage: boolean
  fileExtension?: string
  modified?: string
  /**
   * `field<N>` columns (title 8, date 12, …) as RS copies them into the resource table: **truncated**
   * (about 200 characters). Read real values with `getResourceFieldData`.
   */
  columns: Record<number, string>
}

export interface ResourceData extends SearchRow {
  /** Extension of the original file; `''` when the resource has no file. */
  fileExtension: string
  noFile: boolean
}

/** One entry of `get_resource_field_data`; `value` is `''` when the field is unset. */
export interface FieldValue extends FieldDefinition {
  value: string
}

export interface ImageSize {
  /** `original` for the original file, else the preview size code (`scr`, `pre`, `thm`, …). */
  sizeCode: string
  extension: string
  url: string
  width?: number
  height?: number
}

/**
 * Functions RS refuses with 403 to users without a permission, and the permission. spacelink's own work
 * needs none of them; `config check --online` asks for them only to tell museum IT what the user may not do.
 */
const permissionOf: Record<string, string> = {
  get_resource_type_fields: "'a' (system setup)",
  create_resource_type_field: "'a' (system setup)",
  toggle_active_state_for_nodes: "'k' (manage field options)"
}

/**
 * Turns an RS answer into parsed JSON or a typed error. What remains for each function to judge is its
 * own "not found" shape (`false`, `""`, `[]`).
 */
export function interpretAnswer (fn: string, res: TextResponse, user: string): unknown {
  const text = res.text.trim()
  if (res.statusCode === 403 && text.includes('Field ID not found')) {
    throw upstreamBadAnswer('resourcespace', fn, 'a "Field ID not found" page (the search names a field ref RS does not have)')
  }
  if (res.statusCode === 403) {
    const permission = permissionOf[fn]
    throw upstreamForbidden('resourcespace', fn, `ResourceSpace refused ${fn} to user '${user}' (403): ` +
      (permission === undefined ? 'the user lacks a permission this function needs' : `it needs the permission ${permission}, which the user's group does not have`))
  }
  if (res.statusCode < 200 || res.statusCode >= 300) throw upstreamStatus('resourcespace', fn, res.statusCode, text)
  if (text === '') throw upstreamBadAnswer('resourcespace', fn, 'an empty body (RS does not know this API function)')
  // RS before 10 answered a bad signature with 200 and this text.
  if (text.startsWith('Invalid signature')) throw upstreamStatus('resourcespace', fn, 401, text)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    const what = text.includes('Sorry, an error has occurred') ? 'a PHP error page' : 'a body that is not JSON'
    throw upstreamBadAnswer('resourcespace', fn, `${what}: ${snippet(text)}`)
  }
  if (isRecord(parsed) && parsed.error === true) {
    throw upstreamBadAnswer('resourcespace', fn, `an error object: ${snippet(String(parsed.error_note ?? ''))}`)
  }
  if (isRecord(parsed) && parsed.status === 'fail') {
    const data = isRecord(parsed.data) ? parsed.data : {}
    throw upstreamBadAnswer('resourcespace', fn, `a failure: ${snippet(String(data.message ?? ''))}`)
  }
  return parsed
}

/** A structured answer `{total, data}`; an RS older than 10.3 answers a plain array with every row. */
export function readPage (fn: string, answer: unknown): { rows: unknown[], complete: boolean } {
  if (Array.isArray(answer)) return { rows: answer, complete: true }
  if (isRecord(answer) && Array.isArray(answer.data)) return { rows: answer.data, complete: false }
  throw unexpected(fn, answer)
}

export function toSearchRow (raw: Record<string, unknown>, fn: string): SearchRow {
  return {
    ref: requiredInt(raw.ref, fn),
    resourceType: toInt(raw.resource_type) ?? 0,
    archive: toInt(raw.archive) ?? 0,
    hasImage: toInt(raw.has_image) === 1,
    fileExtension: optionalString(raw.file_extension),
    modified: optionalString(raw.modified),
    columns: fieldColumns(raw)
  }
}

export function toResourceData (raw: Record<string, unknown>): ResourceData {
  return { ...toSearchRow(raw, 'get_resource_data'), fileExtension: optionalString(raw.file_extension) ?? '', noFile: toInt(raw.no_file) === 1 }
}

export function toFieldValue (raw: Record<string, unknown>): FieldValue {
  return {
    ref: requiredInt(raw.ref ?? raw.fref ?? raw.resource_type_field, 'get_resource_field_data'),
    name: raw.name == null ? '' : String(raw.name),
    title: raw.title == null ? '' : String(raw.title),
    type: toInt(raw.type) ?? 0,
    required: toInt(raw.required ?? raw.frequired) === 1,
    value: raw.value == null ? '' : String(raw.value)
  }
}

export function toImageSize (raw: Record<string, unknown>): ImageSize[] {
  if (typeof raw.url !== 'string' || raw.size_code == null) return []
  return [{
    sizeCode: String(raw.size_code),
    extension: raw.extension == null ? '' : String(raw.extension),
    url: raw.url,
    width: toInt(raw.width),
    height: toInt(raw.height)
  }]
}

function fieldColumns (raw: Record<string, unknown>): Record<number, string> {
  const columns: Record<number, string> = {}
  for (const [key, value] of Object.entries(raw)) {
    const match = /^field(\d+)$/.exec(key)
    if (match?.[1] !== undefined && value != null) columns[Number(match[1])] = String(value)
  }
  return columns
}

export function toInt (value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim())
  return undefined
}

/** The `ref` of a row, which everything else hangs on: a row without one is a broken answer. */
function requiredInt (value: unknown, fn: string): number {
  const int = toInt(value)
  if (int === undefined) throw upstreamBadAnswer('resourcespace', fn, 'a row without a numeric ref')
  return int
}

function optionalString (value: unknown): string | undefined {
  return value == null ? undefined : String(value)
}

export function unexpected (fn: string, answer: unknown): Error {
  return upstreamBadAnswer('resourcespace', fn, `an unexpected answer: ${snippet(JSON.stringify(answer) ?? String(answer))}`)
}

function snippet (text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat
}
