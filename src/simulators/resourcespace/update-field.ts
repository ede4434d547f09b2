/**
 * `update_field(resource, field, value, nodevalues)` as a real RS behaves (docs/resourcespace-api.md
 * §update_field): the answer is only `true` or `false`, and the notorious quirk is
 * kept — an unknown option for a dropdown answers `true` and *empties* the field. Every call is logged,
 * so tests can prove that nothing was written.
 */
import { optionFieldTypes, type RsField, type RsResource, type RsStore } from './store.js'
import type { RsUser } from './users.js'

export interface UpdateFieldArgs {
  resource?: string
  field?: string
  value?: string
  nodevalues?: string
}

/** Single-choice option types: two resulting values answer `false`. */
const singleChoiceTypes = new Set([3, 12])
/** Dynamic keywords: unknown names become new options instead of being dropped. */
const dynamicKeywordType = 9

export function updateField (store: RsStore, args: UpdateFieldArgs, user: RsUser): boolean {
  const resource = findResource(store, args.resource)
  const field = args.field === undefined ? undefined : store.field(args.field)
  // A missing `value` is `""` in RS, which clears the field.
  const value = (args.value ?? '').trim()
  // RS refuses without edit access to the resource's workflow state or to the field (`F<ref>`).
  const allowed = resource !== undefined && field !== undefined && user.mayEditIn(resource.archive) && user.mayEditField(field.ref)
  const ok = allowed && write(store, resource, field, value, isTruthy(args.nodevalues))
  store.logWrite({
    ref: resource?.ref ?? looseNumber(args.resource),
    field: field?.ref ?? looseNumber(args.field),
    value: args.value ?? '',
    ok
  })
  return ok
}

function write (store: RsStore, resource: RsResource, field: RsField, value: string, nodeValues: boolean): boolean {
  if (!store.appliesTo(field, resource.resourceType)) return false
  if (field.required && value === '') return false
  if (!optionFieldTypes.has(field.type)) {
    store.setText(resource, field, value)
    return true
  }
  // By node ids RS adds to what the field holds, even in a single-choice list (seen on a real RS: a
  // dropdown then holds "true, false"); by names it replaces, and refuses two names in a single-choice list.
  const byRef = nodeValues ? nodesByRef(field, value) : undefined
  if (nodeValues && byRef === undefined) return false
  const nodes = byRef === undefined ? nodesByName(store, field, value) : [...new Set([...(resource.nodes.get(field.ref) ?? []), ...byRef])]
  if (!nodeValues && singleChoiceTypes.has(field.type) && nodes.length > 1) return false
  // Unknown names were dropped: an all-unknown value leaves no node, i.e. the field is emptied.
  store.setNodes(resource, field, nodes)
  return true
}

/** `nodevalues=1`: the value is a CSV of node refs, each of which must belong to the field. */
function nodesByRef (field: RsField, value: string): number[] | undefined {
  if (value === '') return []
  const refs = value.split(',').map((part) => part.trim())
  const nodes: number[] = []
  for (const ref of refs) {
    const node = field.options.find((option) => String(option.ref) === ref)
    if (node === undefined) return undefined
    nodes.push(node.ref)
  }
  return nodes
}

/** Option names (CSV): exact match first, then case-insensitive; trees also by leaf; unknown names dropped. */
function nodesByName (store: RsStore, field: RsField, value: string): number[] {
  const nodes: number[] = []
  for (const name of splitCsv(value)) {
    const leaf = field.type === 7 ? (name.split('/').at(-1) ?? name) : name
    const node = field.options.find((option) => option.name === name) ??
      field.options.find((option) => option.name.toLowerCase() === name.toLowerCase() || option.name.toLowerCase() === leaf.toLowerCase()) ??
      (field.type === dynamicKeywordType ? store.addOption(field, name) : undefined)
    if (node !== undefined && !nodes.includes(node.ref)) nodes.push(node.ref)
  }
  return nodes
}

/** PHP `str_getcsv` for one line: commas separate, double quotes protect commas. */
function splitCsv (value: string): string[] {
  const parts: string[] = []
  let current = ''
  let quoted = false
  for (const c of value) {
    if (c === '"') quoted = !quoted
    else if (c === ',' && !quoted) {
      parts.push(current)
      current = ''
    } else current += c
  }
  parts.push(current)
  return parts.map((part) => part.trim()).filter((part) => part !== '')
}

/** RS accepts loose numeric refs (`" 2"`, `"2.0"`); anything else is no resource. */
export function findResource (store: RsStore, text: string | undefined): RsResource | undefined {
  if (text === undefined || !/^\s*\d+(\.0*)?\s*$/.test(text)) return undefined
  return store.resources.get(Math.trunc(Number(text)))
}

/** A number when the text is one (`" 99999"`), else the text as given: for the write log. */
function looseNumber (text: string | undefined): number | string {
  return text !== undefined && /^\s*\d+\s*$/.test(text) ? Number(text) : (text ?? '')
}

/** PHP truthiness of a request string: `""` and `"0"` are false, everything else (even `"false"`) true. */
export function isTruthy (value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0'
}
