/**
 * The RS simulator's memory: field definitions (with option nodes), resources (type, workflow state,
 * field values, which preview sizes exist), the write log, per-function call counters and RS's cached
 * search counts. Only primitives live here; what RS *does* with them is in `api-functions.ts`,
 * `update-field.ts` and `search.ts`.
 */
import { sampleFields, sampleResources, type SampleResource } from '../sample-museum.js'

/** Field types whose values are option nodes (2 checkbox, 3 dropdown, 7 tree, 9 dynamic keywords, 12 radio). */
export const optionFieldTypes = new Set([2, 3, 7, 9, 12])

export interface RsNode {
  ref: number
  name: string
}

export interface RsField {
  ref: number
  name: string
  title: string
  type: number
  required: boolean
  /** Resource types the field applies to; empty = global (every type). */
  resourceTypes: number[]
  /** Kept as a `field<N>` column in the resource table (and so in search rows), truncated. */
  resourceColumn: boolean
  options: RsNode[]
  orderBy: number
}

export interface RsResource {
  ref: number
  resourceType: number
  /** Workflow state: -2 pending submission, -1 pending review, 0 active, 1 pending archive, 2 archived, 3 deleted. */
  archive: number
  /** Extension of the original file; '' when the resource has no file. */
  fileExtension: string
  /** Preview sizes whose files exist (`thm`, `pre`, `scr`, `col`, …). */
  sizes: Set<string>
  /** How often the file was replaced (each revision has other bytes of the same length). */
  revision: number
  /** Text values by field ref (absent = empty). */
  text: Map<number, string>
  /** Option node refs by field ref (absent or [] = empty). */
  nodes: Map<number, number[]>
  created: string
  modified: string
}

/** One `update_field` call as the simulator saw it (`ok` = what RS answered). */
export interface RsWrite {
  ref: number | string
  field: number | string
  value: string
  ok: boolean
  at: string
}

/** What a test may add: a sample resource plus a few things the sample set does not vary. */
export interface RsResourceInit extends SampleResource {
  /** Workflow state (default 0, active). */
  archive?: number
  /** No original file at all (RS `no_file`): no sizes, empty extension. */
  noFile?: boolean
  /** More field values, by field ref or shortname. */
  fields?: Record<string, string>
}

/** A resource as the state page shows it: field values by shortname, empty ones left out. */
export interface RsResourceState {
  ref: number
  resourceType: number
  archive: number
  fileExtension: string
  sizes: string[]
  fields: Record<string, string>
}

/** Everything a test may want to assert about the simulator (a copy: changing it changes nothing). */
export interface RsState {
  resources: RsResourceState[]
  writes: RsWrite[]
  /** Calls per RS function name (`download` for file downloads), counted after the signature check. */
  calls: Record<string, number>
  /** Requests refused with `Invalid signature`. */
  rejectedSignatures: number
}

export interface SeedManyOptions {
  /** Accession number of the i-th new resource (0-based); default `2018.3.<i + 1>`. */
  accessionNumber?: (i: number) => string | undefined
  resourceType?: number
  sizes?: SampleResource['sizes']
}

export const resourceTypes = [
  { ref: 1, name: 'Photo' },
  { ref: 2, name: 'Document' },
  { ref: 3, name: 'Film still' },
  { ref: 4, name: 'Film poster' }
]

/** Resource-table columns of a fresh RS: title and date are copied into `field8` / `field12`. */
const resourceColumns = new Set([8, 12])
/** Fields limited to some resource types (the rest are global); the film id only means something for films. */
const fieldTypeLimits: Record<number, number[]> = { 95: [3, 4] }

/** RS's preview boxes (width × height); `hpr` is "full size". */
const previewBoxes: Record<string, [number, number]> = {
  thm: [200, 200],
  col: [140, 140],
  pre: [900, 540],
  scr: [1400, 800],
  lpr: [2000, 2000],
  hpr: [999999, 999999]
}

/**
 * The preview sizes RS makes for an original (RS `create_previews_using_im`): `thm`, `pre` and `col`
 * always; `scr` and `hpr` always for a non-JPEG original; otherwise a size only when the original is
 * bigger than its box — so a small JPEG has no `scr`.
 */
export function previewSizesFor (extension: string, original: { width: number, height: number }): string[] {
  const jpeg = extension === 'jpg' || extension === 'jpeg'
  return Object.entries(previewBoxes)
    .filter(([id, [w, h]]) => ['thm', 'pre', 'col'].includes(id) || (!jpeg && (id === 'scr' || id === 'hpr')) || original.width > w || original.height > h)
    .map(([id]) => id)
}

function extensionOf (filename: string): string {
  return /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase() ?? ''
}

export class RsStore {
  readonly fields = new Map<number, RsField>()
  readonly resources = new Map<number, RsResource>()
  readonly writes: RsWrite[] = []
  readonly calls = new Map<string, number>()
  /** Cached search counts, as RS keeps them (`$cache_search_count`): not cleared when data changes. */
  readonly countCache = new Map<string, { count: number, expires: number }>()
  rejectedSignatures = 0
  private nextNode = 278
  private readonly countTtlMs: number
  private readonly now: () => Date

  constructor (opts: { countTtlMs?: number, now?: () => Date } = {}) {
    this.countTtlMs = opts.countTtlMs ?? 30 * 60_000
    this.now = opts.now ?? (() => new Date())
  }

  /** The sample museum's fields and resources. */
  seedSample (): void {
    for (const field of sampleFields) {
      this.addField({ ref: field.ref, name: field.name, title: field.title, type: field.type, options: 'options' in field ? [...field.options] : [] })
    }
    for (const resource of sampleResources) this.addResource(resource)
  }

  addField (init: { ref: number, name: string, title: string, type: number, options?: string[], required?: boolean, resourceTypes?: number[] }): RsField {
    const field: RsField = {
      ref: init.ref,
      name: init.name,
      title: init.title,
      type: init.type,
      // RS ships `title` as a required field.
      required: init.required ?? init.ref === 8,
      resourceTypes: init.resourceTypes ?? fieldTypeLimits[init.ref] ?? [],
      resourceColumn: resourceColumns.has(init.ref),
      options: [],
      orderBy: this.fields.size * 10
    }
    this.fields.set(field.ref, field)
    for (const name of init.options ?? []) this.addOption(field, name)
    return field
  }

  addOption (field: RsField, name: string): RsNode {
    const node = { ref: this.nextNode++, name }
    field.options.push(node)
    return node
  }

  /** Adds (or replaces) a resource; fields of the sample shape are written into their RS fields. */
  addResource (init: RsResourceInit): RsResource {
    const at = this.now().toISOString()
    const extension = init.noFile === true ? '' : (/\.([A-Za-z0-9]+)$/.exec(init.originalFilename)?.[1]?.toLowerCase() ?? '')
    const resource: RsResource = {
      ref: init.ref,
      resourceType: init.resourceType,
      archive: init.archive ?? 0,
      fileExtension: extension,
      sizes: new Set(init.noFile === true ? [] : init.original === undefined ? init.sizes : previewSizesFor(extensionOf(init.originalFilename), init.original)),
      revision: 0,
      text: new Map(),
      nodes: new Map(),
      created: at,
      modified: at
    }
    this.resources.set(resource.ref, resource)
    const values: Record<string, string | undefined> = {
      originalfilename: init.originalFilename,
      accessionnumber: init.accessionNumber,
      title: init.title,
      filmid: init.group,
      synced: init.synced,
      ...init.fields
    }
    for (const [name, value] of Object.entries(values)) {
      const field = this.field(name)
      if (field !== undefined && value !== undefined && value !== '') this.setValue(resource, field, value)
    }
    return resource
  }

  /** Adds `n` generated resources after the highest ref; returns their refs. */
  seedMany (n: number, opts: SeedManyOptions = {}): number[] {
    const first = this.maxRef() + 1
    const refs: number[] = []
    for (let i = 0; i < n; i++) {
      const ref = first + i
      const accessionNumber = opts.accessionNumber !== undefined ? opts.accessionNumber(i) : `2018.3.${i + 1}`
      this.addResource({
        ref,
        resourceType: opts.resourceType ?? 1,
        accessionNumber,
        originalFilename: `generated_${ref}.tif`,
        sizes: opts.sizes ?? ['thm', 'pre', 'scr']
      })
      refs.push(ref)
    }
    return refs
  }

  maxRef (): number {
    let max = 0
    for (const ref of this.resources.keys()) max = Math.max(max, ref)
    return max
  }

  /** Resources in ascending ref order. */
  sortedResources (): RsResource[] {
    return [...this.resources.values()].sort((a, b) => a.ref - b.ref)
  }

  /** A field by numeric ref (loose: `" 89"`) or shortname, the way RS resolves `update_field`'s `field`. */
  field (refOrName: string | number): RsField | undefined {
    const text = String(refOrName).trim()
    if (/^\d+$/.test(text)) return this.fields.get(Number(text))
    for (const field of this.fields.values()) if (field.name === text) return field
    return undefined
  }

  /** The resource's file is replaced (same size, other bytes), as a person re-uploading it would. */
  replaceFile (ref: number): void {
    const resource = this.resources.get(ref)
    if (resource === undefined) throw new Error(`no resource ${ref}`)
    resource.revision++
    this.touch(resource)
  }

  appliesTo (field: RsField, resourceType: number): boolean {
    return field.resourceTypes.length === 0 || field.resourceTypes.includes(resourceType)
  }

  /** The display value: text, or the option names joined with `, ` as RS shows them. */
  value (resource: RsResource, field: RsField): string {
    if (!optionFieldTypes.has(field.type)) return resource.text.get(field.ref) ?? ''
    return this.nodeNames(resource, field).join(', ')
  }

  nodeNames (resource: RsResource, field: RsField): string[] {
    const refs = resource.nodes.get(field.ref) ?? []
    return refs.map((ref) => field.options.find((node) => node.ref === ref)?.name ?? '').filter((name) => name !== '')
  }

  isEmpty (resource: RsResource, field: RsField): boolean {
    return optionFieldTypes.has(field.type)
      ? (resource.nodes.get(field.ref) ?? []).length === 0
      : (resource.text.get(field.ref) ?? '') === ''
  }

  /** Sets a value without RS's write rules (seeding); option values must name existing options. */
  setValue (resource: RsResource, field: RsField, value: string): void {
    if (optionFieldTypes.has(field.type)) {
      const node = field.options.find((option) => option.name === value) ?? this.addOption(field, value)
      resource.nodes.set(field.ref, [node.ref])
    } else {
      resource.text.set(field.ref, value)
    }
  }

  setText (resource: RsResource, field: RsField, value: string): void {
    if (value === '') resource.text.delete(field.ref)
    else resource.text.set(field.ref, value)
    this.touch(resource)
  }

  setNodes (resource: RsResource, field: RsField, nodes: number[]): void {
    if (nodes.length === 0) resource.nodes.delete(field.ref)
    else resource.nodes.set(field.ref, nodes)
    this.touch(resource)
  }

  countCall (fn: string): void {
    this.calls.set(fn, (this.calls.get(fn) ?? 0) + 1)
  }

  logWrite (write: Omit<RsWrite, 'at'>): void {
    this.writes.push({ ...write, at: this.now().toISOString() })
  }

  /**
   * The count RS would report for a search: cached on first use and kept for the TTL even if the data
   * changes meanwhile, which is how the real `total` goes stale.
   */
  cachedCount (key: string, actual: number): number {
    const now = this.now().getTime()
    const cached = this.countCache.get(key)
    if (cached !== undefined && cached.expires > now) return cached.count
    this.countCache.set(key, { count: actual, expires: now + this.countTtlMs })
    return actual
  }

  /** A copy of the state; `resources: false` leaves out the (possibly long) resource list. */
  snapshot (opts: { resources?: boolean } = {}): RsState {
    return {
      resources: opts.resources === false ? [] : this.sortedResources().map((resource) => this.resourceState(resource)),
      writes: this.writes.map((write) => ({ ...write })),
      calls: Object.fromEntries(this.calls),
      rejectedSignatures: this.rejectedSignatures
    }
  }

  resourceState (resource: RsResource): RsResourceState {
    const fields: Record<string, string> = {}
    for (const field of this.fields.values()) {
      const value = this.value(resource, field)
      if (value !== '') fields[field.name] = value
    }
    return {
      ref: resource.ref,
      resourceType: resource.resourceType,
      archive: resource.archive,
      fileExtension: resource.fileExtension,
      sizes: [...resource.sizes],
      fields
    }
  }

  private touch (resource: RsResource): void {
    resource.modified = this.now().toISOString()
  }
}
