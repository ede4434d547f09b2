/**
 * The RS API functions the simulator answers, with RS's argument handling (named or positional
 * `paramN`, missing = default or `""`, text in an int parameter = 500 with an empty body, unknown
 * function = 200 with an empty body) and RS's answer shapes (docs/resourcespace-api.md §Signing, §Answers).
 */
import { downloadUrl, type AccessKeys } from './access-keys.js'
import { dimensions, displayFileSize, originalFileLength, previewJpeg } from './images.js'
import { runSearch } from './search.js'
import { optionFieldTypes, resourceTypes, type RsField, type RsResource, type RsStore } from './store.js'
import { findResource, isTruthy, updateField } from './update-field.js'
import type { RsUser } from './users.js'

export interface RsApiContext {
  store: RsStore
  keys: AccessKeys
  /** The calling user: its permissions decide what RS shows and allows; access keys are bound to it. */
  user: RsUser
  /** `http://host:port/`, the RS base URL that download URLs start with. */
  baseUrl: string
}

export interface RsAnswer {
  status: number
  body: string
}

type Args = Record<string, string | undefined>

interface RsFunction {
  /** Parameter names in positional order (`param1` is the first). */
  params: string[]
  /** Parameters typed `int` in RS's bindings: text there is a PHP TypeError (500, empty body). */
  ints?: string[]
  /** Parameters that hit a PHP warning when given as an array (`x[]=`): the JSON error object. */
  warnOnArray?: string[]
  run: (args: Args, ctx: RsApiContext) => unknown
}

/** An answer that is not JSON (RS's HTML error pages). */
class RawAnswer {
  constructor (readonly status: number, readonly body: string) {}
}

const previewOrder = ['hpr', 'lpr', 'scr', 'pre', 'thm', 'col']
const columnLimit = 200
const phpError = { error: true, error_note: 'Sorry, an error has occurred. ' }

const functions: Record<string, RsFunction> = {
  get_system_status: {
    params: ['basic'],
    run: (args, ctx) => isTruthy(args.basic)
      ? { status: 'OK' }
      : {
          results: {
            version: { status: 'OK', info: 'SVN Trunk (spacelink simulator)' },
            resource_count: { status: 'OK', total: ctx.store.resources.size, active: [...ctx.store.resources.values()].filter((r) => r.archive === 0).length }
          },
          status: 'OK'
        }
  },

  do_search: {
    params: ['search', 'restypes', 'order_by', 'archive', 'fetchrows', 'sort', 'offset'],
    ints: ['offset'],
    run: (args, ctx) => searchAnswer(args, ctx, false)
  },

  search_get_previews: {
    params: ['search', 'restypes', 'order_by', 'archive', 'fetchrows', 'sort', 'recent_search_daylimit', 'getsizes', 'previewext'],
    run: (args, ctx) => searchAnswer(args, ctx, true)
  },

  checkperm: {
    params: ['perm'],
    run: (args, ctx) => ctx.user.checkperm(args.perm ?? '')
  },

  get_edit_access: {
    params: ['resource'],
    ints: ['resource'],
    run: (args, ctx) => {
      const resource = findResource(ctx.store, args.resource)
      return resource !== undefined && ctx.user.mayEditIn(resource.archive)
    }
  },

  get_resource_data: {
    params: ['resource'],
    warnOnArray: ['resource'],
    run: (args, ctx) => {
      const resource = findResource(ctx.store, args.resource)
      return resource === undefined ? false : resourceData(ctx.store, resource)
    }
  },

  get_resource_field_data: {
    params: ['resource'],
    run: (args, ctx) => {
      // An unknown resource is not an error in RS: its type resolves to 0 and only global fields come back.
      const resource = findResource(ctx.store, args.resource)
      return [...ctx.store.fields.values()]
        .filter((field) => resource === undefined ? field.resourceTypes.length === 0 : ctx.store.appliesTo(field, resource.resourceType))
        .filter((field) => ctx.user.mayView(field.ref))
        .map((field) => fieldEntry(ctx.store, field, resource))
    }
  },

  get_data_by_field: {
    params: ['ref', 'field'],
    warnOnArray: ['ref'],
    run: (args, ctx) => {
      const resource = findResource(ctx.store, args.ref)
      if (resource === undefined) return false
      const field = ctx.store.field(args.field ?? '')
      if (field !== undefined && !ctx.user.mayView(field.ref)) return false
      return field === undefined ? '' : ctx.store.value(resource, field)
    }
  },

  update_field: {
    params: ['resource', 'field', 'value', 'nodevalues'],
    run: (args, ctx) => updateField(ctx.store, args, ctx.user)
  },

  get_field_options: {
    params: ['ref', 'nodeinfo'],
    ints: ['ref'],
    run: (args, ctx) => {
      const field = ctx.store.fields.get(Number(args.ref))
      if (field !== undefined && !ctx.user.mayView(field.ref)) return false
      if (field === undefined || !optionFieldTypes.has(field.type)) return []
      return isTruthy(args.nodeinfo)
        ? field.options.map((node, i) => ({ ref: node.ref, name: node.name, parent: null, order_by: i * 10, active: 1, translated_name: node.name }))
        : field.options.map((node) => node.name)
    }
  },

  get_node_id: {
    params: ['value', 'resource_type_field'],
    run: (args, ctx) => {
      const field = ctx.store.field(args.resource_type_field ?? '')
      if (field !== undefined && !ctx.user.mayView(field.ref)) return false
      return field?.options.find((node) => node.name === args.value)?.ref ?? false
    }
  },

  get_resource_type_fields: {
    params: ['by_resource_types', 'find', 'by_types'],
    run: (args, ctx) => {
      // Admin only: RS answers other users 403 with an empty list.
      if (!ctx.user.checkperm('a')) return new RawAnswer(403, '[]')
      const byTypes = csvInts(args.by_resource_types)
      const fieldTypes = csvInts(args.by_types)
      const find = (args.find ?? '').toLowerCase()
      return [...ctx.store.fields.values()]
        .filter((field) => byTypes.length === 0 || field.resourceTypes.length === 0 || field.resourceTypes.some((t) => byTypes.includes(t)))
        .filter((field) => fieldTypes.length === 0 || fieldTypes.includes(field.type))
        .filter((field) => find === '' || field.name.includes(find) || field.title.toLowerCase().includes(find))
        .map(typeFieldRow)
    }
  },

  get_resource_types: {
    params: [],
    run: (_args, ctx) => resourceTypes.map((type, i) => ({
      ref: String(type.ref),
      name: type.name,
      allowed_extensions: '',
      order_by: String((i + 1) * 10),
      config_options: '',
      push_metadata: '0',
      colour: '0',
      icon: 'image',
      tab: '0',
      pull_images: '0',
      tab_name: '',
      resource_type_fields: [...ctx.store.fields.values()].filter((f) => f.resourceTypes.includes(type.ref)).map((f) => String(f.ref))
    }))
  },

  get_resource_path: {
    params: ['ref', 'not_used', 'size', 'generate', 'extension', 'page', 'watermarked', 'alternative'],
    ints: ['page'],
    run: (args, ctx) => {
      const size = args.size ?? ''
      const extension = args.extension === undefined || args.extension === '' ? 'jpg' : args.extension
      const refs = parseRefList(args.ref)
      const path = (ref: string): string => {
        const resource = findResource(ctx.store, ref)
        return resource === undefined ? '' : fileUrl(ctx, resource.ref, size, extension)
      }
      if (refs === undefined || refs.length === 1) return path(refs?.[0] ?? args.ref ?? '')
      return Object.fromEntries(refs.map((ref) => [ref, path(ref)]))
    }
  },

  get_resource_all_image_sizes: {
    params: ['resource'],
    run: (args, ctx) => {
      const resource = findResource(ctx.store, args.resource)
      if (resource === undefined || resource.fileExtension === '') return []
      const original = {
        size_code: 'original',
        extension: resource.fileExtension,
        url: fileUrl(ctx, resource.ref, '', resource.fileExtension, versionOf(resource)),
        ...dimensions(resource.ref, ''),
        filesize: displayFileSize(originalLength(resource))
      }
      const previews = previewOrder.filter((size) => resource.sizes.has(size)).map((size) => ({
        size_code: size,
        extension: 'jpg',
        url: fileUrl(ctx, resource.ref, size, 'jpg', versionOf(resource)),
        ...dimensions(resource.ref, size),
        filesize: displayFileSize(previewJpeg(resource.ref, size, resource.revision).length)
      }))
      return [original, ...previews]
    }
  },

  create_resource: {
    params: ['resource_type', 'archive', 'url', 'no_exif', 'revert', 'autorotate', 'metadata'],
    ints: ['resource_type'],
    run: (args, ctx) => {
      const type = Number(args.resource_type)
      if (!(ctx.user.checkperm('c') || ctx.user.checkperm('d')) || !resourceTypes.some((t) => t.ref === type)) return false
      // 999 = "the user's default state", which for the observed admin was -2 (pending submission).
      const archive = args.archive === undefined || args.archive === '' || args.archive === '999' ? -2 : Number(args.archive)
      const ref = ctx.store.maxRef() + 1
      const fields = parseMetadata(args.metadata)
      ctx.store.addResource({ ref, resourceType: type, archive, noFile: true, originalFilename: '', sizes: [], fields })
      return ref
    }
  }
}

/** Runs one API function with RS's argument rules and encodes the answer as RS does. */
export function callRsFunction (name: string, params: URLSearchParams, ctx: RsApiContext, pretty: boolean): RsAnswer {
  const fn = Object.hasOwn(functions, name) ? functions[name] : undefined
  // RS echoes `false` for an unknown function, which PHP prints as nothing.
  if (fn === undefined) return { status: 200, body: '' }
  // An array (`x[]=`) where RS expects a scalar: a PHP warning for some bindings, a TypeError for the rest.
  const arrayParam = fn.params.find((param, i) => params.has(`${param}[]`) || params.has(`param${i + 1}[]`))
  if (arrayParam !== undefined) return fn.warnOnArray?.includes(arrayParam) === true ? json(phpError, pretty) : { status: 500, body: '' }
  const args: Args = {}
  fn.params.forEach((param, i) => {
    // A positional `paramN` wins over the named form.
    args[param] = params.get(`param${i + 1}`) ?? params.get(param) ?? undefined
  })
  for (const param of fn.ints ?? []) {
    const value = args[param]
    if (value !== undefined && value !== '' && !/^\s*-?\d+\s*$/.test(value)) return { status: 500, body: '' }
  }
  const answer = fn.run(args, ctx)
  if (answer instanceof RawAnswer) return { status: answer.status, body: answer.body }
  return json(answer, pretty)
}

export function isKnownFunction (name: string): boolean {
  return Object.hasOwn(functions, name)
}

/** PHP `json_encode`: slashes escaped as `\/`, non-ASCII as `\uXXXX`; `pretty` indents by four. */
function json (value: unknown, pretty: boolean): RsAnswer {
  const text = JSON.stringify(value, null, pretty ? 4 : undefined)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return { status: 200, body: text }
}

type Fetchrows =
  | { kind: 'all' }
  | { kind: 'limit', rows: number }
  | { kind: 'page', offset: number, rows: number }

function parseFetchrows (text: string | undefined): Fetchrows {
  const page = /^\[?\s*(\d+)\s*,\s*(\d+)\s*\]?$/.exec(text ?? '')
  if (page !== null) return { kind: 'page', offset: Number(page[1]), rows: Number(page[2]) }
  const rows = Number.parseInt(text ?? '', 10)
  return Number.isInteger(rows) && rows > 0 ? { kind: 'limit', rows } : { kind: 'all' }
}

function searchAnswer (args: Args, ctx: RsApiContext, previews: boolean): unknown {
  // Without the search permission RS answers an empty result in the shape asked for.
  if (!ctx.user.checkperm('s')) return parseFetchrows(args.fetchrows).kind === 'page' ? { total: 0, data: [] } : []
  const restypes = csvInts(args.restypes)
  const archive = args.archive === undefined || args.archive.trim() === '' ? [0] : csvInts(args.archive)
  const query = { search: args.search ?? '', restypes, archive, orderBy: args.order_by ?? 'relevance', sort: args.sort ?? 'desc' }
  const result = runSearch(ctx.store, query)
  if (!result.ok) return result.reason === 'sql-error' ? phpError : new RawAnswer(403, fieldNotFoundPage)
  const score = result.special ? 0 : '0'
  const sizes = (args.getsizes ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')
  const previewExtension = args.previewext === undefined || args.previewext === '' ? 'jpg' : args.previewext
  const row = (resource: RsResource): Record<string, unknown> => {
    const base = searchRow(ctx.store, resource, score)
    if (!previews) return base
    for (const size of sizes) {
      if (resource.sizes.has(size) && previewExtension === 'jpg') base[`url_${size}`] = fileUrl(ctx, resource.ref, size, 'jpg')
    }
    return base
  }
  const all = result.resources
  const countKey = JSON.stringify([query.search, restypes, archive])
  const fetchrows = parseFetchrows(args.fetchrows)
  const offset = Math.max(0, Number.parseInt(args.offset ?? '0', 10) || 0)
  if (fetchrows.kind === 'page') {
    const cached = ctx.store.cachedCount(countKey, all.length)
    const data = all.slice(fetchrows.offset, fetchrows.offset + fetchrows.rows)
    return { total: patchedTotal(cached, fetchrows.offset, fetchrows.rows, data.length), data: data.slice(offset).map(row) }
  }
  if (fetchrows.kind === 'limit') {
    const rows: unknown[] = all.slice(offset, offset + fetchrows.rows).map(row)
    // search_get_previews pads an integer fetchrows answer with `0` up to the (cached) count.
    if (previews) while (rows.length < ctx.store.cachedCount(countKey, all.length)) rows.push(0)
    return rows
  }
  return all.slice(offset).map(row)
}

/** RS `sql_limit_with_total_count`: the cached count, patched where the page itself proves it wrong. */
function patchedTotal (cached: number, offset: number, rows: number, returned: number): number {
  if (returned === 0) return Math.min(cached, offset)
  if (returned < rows) return offset + returned
  if (offset + returned > cached) return offset + returned
  return cached
}

const fieldNotFoundPage = '<!DOCTYPE html><html><head><title>ResourceSpace</title></head><body>' +
  '<script>alert("Field ID not found.");</script></body></html>'

function searchRow (store: RsStore, resource: RsResource, score: number | string): Record<string, unknown> {
  const hasImage = resource.sizes.size > 0
  const thumb = hasImage ? dimensions(resource.ref, 'thm') : undefined
  const row: Record<string, unknown> = {
    score,
    ref: resource.ref,
    resource_type: resource.resourceType,
    has_image: hasImage ? 1 : 0,
    is_transcoding: 0,
    creation_date: rsDate(resource.created),
    rating: null,
    user_rating: null,
    user_rating_count: null,
    user_rating_total: null,
    file_extension: resource.fileExtension,
    preview_extension: hasImage ? 'jpg' : null,
    image_red: null,
    image_green: null,
    image_blue: null,
    thumb_width: thumb?.width ?? null,
    thumb_height: thumb?.height ?? null,
    archive: resource.archive,
    access: 0,
    colour_key: '',
    created_by: 1,
    file_modified: resource.fileExtension === '' ? null : rsDate(resource.created),
    file_checksum: resource.fileExtension === '' ? null : checksum(resource.ref),
    request_count: 0,
    new_hit_count: 0,
    expiry_notification_sent: 0,
    preview_tweaks: '0|1',
    file_path: null,
    modified: rsDate(resource.modified),
    file_size: resource.fileExtension === '' ? null : originalLength(resource),
    group_access: null,
    user_access: null,
    resultant_access: 0
  }
  for (const field of store.fields.values()) {
    if (!field.resourceColumn) continue
    const value = store.value(resource, field)
    row[`field${field.ref}`] = value === '' ? null : value.slice(0, columnLimit)
  }
  row.field3 = null
  row.order_by = null
  row.total_hit_count = 0
  return row
}

function resourceData (store: RsStore, resource: RsResource): Record<string, unknown> {
  const { score: _score, ...row } = searchRow(store, resource, 0)
  return { ...row, title: null, lock_user: null, no_file: resource.fileExtension === '' ? 1 : 0 }
}

function fieldEntry (store: RsStore, field: RsField, resource: RsResource | undefined): Record<string, unknown> {
  const value = resource === undefined ? '' : store.value(resource, field)
  return {
    resource_type_field: field.ref,
    fref: field.ref,
    ref: field.ref,
    name: field.name,
    title: field.title,
    type: field.type,
    order_by: field.orderBy,
    keywords_index: 1,
    partial_index: 0,
    global: field.resourceTypes.length === 0 ? 1 : 0,
    required: field.required ? 1 : 0,
    frequired: field.required ? 1 : 0,
    display_field: 1,
    value,
    nodes: resource === undefined ? '' : nodesOf(store, resource, field),
    resource_types: (field.resourceTypes.length === 0 ? resourceTypes.map((t) => t.ref) : field.resourceTypes).join(',')
  }
}

/** `nodes` as RS sends it: an int for one node, a CSV string for several, `""` for none. */
function nodesOf (store: RsStore, resource: RsResource, field: RsField): number | string {
  if (!optionFieldTypes.has(field.type)) {
    // RS stores text values as nodes too; a stable made-up id stands in for it.
    return store.value(resource, field) === '' ? '' : 100_000 + resource.ref * 100 + (field.ref % 100)
  }
  const nodes = resource.nodes.get(field.ref) ?? []
  if (nodes.length === 0) return ''
  return nodes.length === 1 ? (nodes[0] ?? '') : nodes.join(',')
}

function typeFieldRow (field: RsField): Record<string, string> {
  return {
    ref: String(field.ref),
    name: field.name,
    title: field.title,
    type: String(field.type),
    order_by: String(field.orderBy),
    keywords_index: '1',
    resource_column: field.resourceColumn ? `field${field.ref}` : '',
    global: field.resourceTypes.length === 0 ? '1' : '0',
    required: field.required ? '1' : '0',
    resource_types: field.resourceTypes.join(',')
  }
}

function fileUrl (ctx: RsApiContext, ref: number, size: string, extension: string, version?: string): string {
  return downloadUrl(ctx.baseUrl, { ref, size, extension, version, accessKey: ctx.keys.issue(ctx.user.name, ref, size) })
}

function versionOf (resource: RsResource): string {
  return String(Math.floor(Date.parse(resource.modified) / 1000))
}

function originalLength (resource: RsResource): number {
  return originalFileLength(resource.ref, resource.fileExtension)
}

function checksum (ref: number): string {
  return (ref * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(4)
}

/** RS's MySQL datetime text: `2026-11-21 21:51:37`. */
function rsDate (iso: string): string {
  return iso.slice(0, 19).replace('T', ' ')
}

function csvInts (text: string | undefined): number[] {
  return (text ?? '').split(',').map((part) => part.trim()).filter((part) => /^-?\d+$/.test(part)).map(Number)
}

/** `ref` as a JSON array (`[2,3]`) gives a list; anything else is a single ref. */
function parseRefList (text: string | undefined): string[] | undefined {
  if (text === undefined || !text.trim().startsWith('[')) return undefined
  try {
    const parsed: unknown = JSON.parse(text)
    return Array.isArray(parsed) ? parsed.map(String) : undefined
  } catch {
    return undefined
  }
}

function parseMetadata (text: string | undefined): Record<string, string> {
  if (text === undefined || text === '') return {}
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed !== 'object' || parsed === null) return {}
    return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]))
  } catch {
    return {}
  }
}
