/**
 * Finds every problem in a spacelink configuration, each with the key path it is at, so that
 * `spacelink config check` and a failed start can list them all at once instead of one per attempt.
 *
 * The steps: read and parse (YAML or JSON), replace `${VAR}` in string scalars, fill in defaults and turn
 * numeric/boolean strings into numbers/booleans where the schema wants them, check against `ConfigSchema`,
 * then check what a schema cannot say (URLs, regular expressions, cron, one instance per resource type,
 * unique API keys).
 */
import { readFileSync } from 'node:fs'
import { parseDocument } from 'yaml'
import { Cron } from 'croner'
import { Kind, type TSchema } from '@fastify/type-provider-typebox'
import { Value } from '@sinclair/typebox/value'
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors'
import { ConfigSchema, type Config } from './schema.js'
import { mappingProblem } from './mapping-rules.js'
import { substituteEnv, type TreePath, type Unresolved } from './substitute.js'

export interface ConfigProblem {
  /** Where the problem is, e.g. `instances.art.derivative.transfer`; '' for the file as a whole. */
  path: string
  message: string
}

/** Where the configuration comes from: `value` (already parsed), else `text`, else the file at `path`, else `env.SPACELINK_CONFIG`. */
export interface ConfigSource {
  path?: string
  env?: NodeJS.ProcessEnv
  text?: string
  value?: unknown
}

export interface ConfigExamination {
  /** The validated configuration; undefined when there are problems. */
  config: Config | undefined
  problems: ConfigProblem[]
}

/** Every problem in the configuration; empty when it is usable. */
export function checkConfig (source: ConfigSource = {}): ConfigProblem[] {
  return examineConfig(source).problems
}

/** One line per problem: `instances.art.cspace.servicesUrl: must be a URL`. */
export function formatProblems (problems: ConfigProblem[]): string {
  return problems.map((problem) => `${problem.path === '' ? '(config)' : problem.path}: ${problem.message}`).join('\n')
}

/** Runs every step and returns the typed configuration when nothing is wrong. */
export function examineConfig (source: ConfigSource): ConfigExamination {
  const env = source.env ?? process.env
  const read = readTree(source, env)
  if ('problems' in read) return { config: undefined, problems: read.problems }

  const { value, unresolved } = substituteEnv(read.tree, env)
  const tree = complete(ConfigSchema, value)
  const substitutionProblems = unresolved.map((item) => unresolvedProblem(item))
  // A value still holding `${NAME}` fails its type or URL check too; the missing variable is the one to report.
  const unresolvedPaths = unresolved.map((item) => keyPath(item.at))
  const otherProblems = [...schemaProblems(tree), ...ruleProblems(tree)]
    .filter((problem) => !unresolvedPaths.some((path) => isAtOrUnder(problem.path, path)))
  const problems = inFileOrder(dedupe([...substitutionProblems, ...otherProblems]), tree)
  return { config: problems.length === 0 ? tree as Config : undefined, problems }
}

// ----------------------------------------------------------------------------------------------------------
// reading
// ----------------------------------------------------------------------------------------------------------

function readTree (source: ConfigSource, env: NodeJS.ProcessEnv): { tree: unknown } | { problems: ConfigProblem[] } {
  if (source.value !== undefined) return { tree: source.value }
  if (source.text !== undefined) return parseText(source.text)
  const file = source.path ?? env.SPACELINK_CONFIG
  if (file === undefined || file === '') {
    return fileProblem('no configuration file: pass --config PATH or set SPACELINK_CONFIG')
  }
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    return fileProblem(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  return parseText(text)
}

function parseText (text: string): { tree: unknown } | { problems: ConfigProblem[] } {
  // YAML 1.2 is a superset of JSON, so one parser reads both; duplicate keys are errors.
  const document = parseDocument(text)
  if (document.errors.length > 0) {
    return { problems: document.errors.map((error) => ({ path: '', message: firstLine(error.message) })) }
  }
  const tree: unknown = document.toJS()
  if (tree === null || tree === undefined) return fileProblem('the configuration is empty')
  return { tree }
}

function fileProblem (message: string): { problems: ConfigProblem[] } {
  return { problems: [{ path: '', message }] }
}

function firstLine (text: string): string {
  return text.split('\n')[0]?.replace(/:$/, '') ?? text
}

// ----------------------------------------------------------------------------------------------------------
// defaults and coercion
// ----------------------------------------------------------------------------------------------------------

/**
 * Fills in defaults and turns strings into the numbers and booleans the schema wants (`${PORT:-3000}` is a
 * string after substitution). Hand-written rather than `Value.Default` + `Value.Convert`: Default skips the
 * values of a record whose schema has no default (every instance), and Convert is too lenient for a config
 * file (it truncates 3.5 to 3, wraps a scalar into a list, and turns a number into a string, which would
 * silently turn a YAML `password: 0123` into '123').
 */
function complete (schema: TSchema, value: unknown): unknown {
  if (value === undefined) {
    if (!('default' in schema)) return undefined
    value = structuredClone(schema.default)
  }
  switch (schema[Kind]) {
    case 'Object': return completeProperties(schema.properties as Record<string, TSchema>, value)
    case 'Record': return completeRecord(Object.values(schema.patternProperties as Record<string, TSchema>)[0], value)
    case 'Array': return Array.isArray(value) ? value.map((item) => complete(schema.items as TSchema, item)) : value
    case 'Tuple': return completeTuple(schema.items as TSchema[], value)
    case 'Union': return completeUnion(schema.anyOf as TSchema[], value)
    case 'Integer': return typeof value === 'string' && /^[+-]?\d+$/.test(value.trim()) ? Number(value) : value
    case 'Number': return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value
    case 'Boolean': return typeof value === 'string' && /^(true|false)$/i.test(value.trim()) ? value.trim().toLowerCase() === 'true' : value
    default: return value
  }
}

function completeProperties (properties: Record<string, TSchema>, value: unknown): unknown {
  if (!isMapping(value)) return value
  for (const [key, property] of Object.entries(properties)) {
    const completed = complete(property, value[key])
    if (completed !== undefined) value[key] = completed
  }
  return value
}

function completeRecord (itemSchema: TSchema | undefined, value: unknown): unknown {
  if (!isMapping(value) || itemSchema === undefined) return value
  for (const key of Object.keys(value)) value[key] = complete(itemSchema, value[key])
  return value
}

function completeTuple (items: TSchema[], value: unknown): unknown {
  if (!Array.isArray(value)) return value
  return value.map((item, index) => {
    const itemSchema = items[index]
    return itemSchema === undefined ? item : complete(itemSchema, item)
  })
}

// The first variant the value can be made to fit wins, so order matters: Integer before String turns '89' into 89.
function completeUnion (variants: TSchema[], value: unknown): unknown {
  for (const variant of variants) {
    const completed = complete(variant, structuredClone(value))
    if (Value.Check(variant, completed)) return completed
  }
  return value
}

// ----------------------------------------------------------------------------------------------------------
// schema problems
// ----------------------------------------------------------------------------------------------------------

const TYPE_MISMATCHES = new Set([
  ValueErrorType.String, ValueErrorType.Integer, ValueErrorType.Number, ValueErrorType.Boolean,
  ValueErrorType.Array, ValueErrorType.Object
])

function schemaProblems (tree: unknown): ConfigProblem[] {
  const errors = [...Value.Errors(ConfigSchema, tree)]
  // TypeBox reports a missing required key twice: as missing and as the wrong type (undefined); keep the first.
  const missing = new Set(errors.filter((error) => error.type === ValueErrorType.ObjectRequiredProperty).map((error) => error.path))
  return errors.filter((error) => error.type === ValueErrorType.ObjectRequiredProperty || !missing.has(error.path)).map((error) => ({
    path: keyPath(pointerToTreePath(error.path, tree)),
    message: schemaMessage(error)
  }))
}

function schemaMessage (error: ValueError): string {
  const schema = error.schema
  if (error.type === ValueErrorType.ObjectRequiredProperty) return 'is required'
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    const key = unescapePointer(error.path.split('/').pop() ?? '')
    if (typeof schema.keyMessage === 'string') return `'${key}' ${schema.keyMessage}`
    return unknownKeyMessage(key, Object.keys(schema.properties ?? {}))
  }
  if (typeof schema.errorMessage === 'string' && !TYPE_MISMATCHES.has(error.type)) return schema.errorMessage
  return genericMessage(error)
}

function genericMessage ({ type, schema, value, message }: ValueError): string {
  if (value === undefined) return 'is required'
  switch (type) {
    case ValueErrorType.String: return typeof value === 'number' || typeof value === 'boolean' ? 'must be a string (put it in quotes)' : 'must be a string'
    case ValueErrorType.Integer: return 'must be a whole number'
    case ValueErrorType.Number: return 'must be a number'
    case ValueErrorType.Boolean: return 'must be true or false'
    case ValueErrorType.Array: return 'must be a list'
    case ValueErrorType.Object: return 'must be a mapping of keys to values'
    case ValueErrorType.ArrayMinItems: return schema.minItems === 1 ? 'must not be empty' : `must have at least ${schema.minItems as number} items`
    case ValueErrorType.ArrayUniqueItems: return 'must not list the same value twice'
    case ValueErrorType.StringMinLength: return schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength as number} characters long`
    case ValueErrorType.StringPattern: return `must match ${schema.pattern as string}`
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum: return `must be at least ${schema.minimum as number}`
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum: return `must be at most ${schema.maximum as number}`
    case ValueErrorType.IntegerExclusiveMaximum:
    case ValueErrorType.NumberExclusiveMaximum: return `must be below ${schema.exclusiveMaximum as number}`
    case ValueErrorType.Union: return unionMessage(schema)
    default: return message
  }
}

function unionMessage (schema: TSchema): string {
  const variants = schema.anyOf as TSchema[]
  if (variants.every((variant) => 'const' in variant)) {
    return `must be one of ${variants.map((variant) => `'${String(variant.const)}'`).join(', ')}`
  }
  return 'has the wrong type'
}

function unknownKeyMessage (key: string, known: string[]): string {
  const near = known.find((candidate) => candidate.toLowerCase() === key.toLowerCase() || editDistance(candidate, key) <= 2)
  return near === undefined ? `unknown key '${key}'` : `unknown key '${key}' (did you mean '${near}'?)`
}

// Levenshtein distance: enough to suggest `port` for `prot`.
function editDistance (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

// ----------------------------------------------------------------------------------------------------------
// rules a schema cannot express
// ----------------------------------------------------------------------------------------------------------

/** Checks on the completed tree; each guards its own types because the tree may still be invalid. */
function ruleProblems (tree: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const report = (at: TreePath, message: string | undefined) => {
    if (message !== undefined) problems.push({ path: keyPath(at), message })
  }
  const root = isMapping(tree) ? tree : {}
  const server = isMapping(root.server) ? root.server : {}
  const rs = isMapping(root.resourcespace) ? root.resourcespace : {}
  report(['server', 'publicUrl'], urlProblem(server.publicUrl))
  report(['resourcespace', 'apiUrl'], urlProblem(rs.apiUrl))
  report(['resourcespace', 'baseUrl'], urlProblem(rs.baseUrl))
  checkApiKeysUnique(server.apiKeys, report)
  const instances = isMapping(root.instances) ? root.instances : {}
  for (const [name, instance] of Object.entries(instances)) {
    if (isMapping(instance)) checkInstance(name, instance, report)
  }
  checkResourceTypesClaimedOnce(instances, report)
  checkMonitoring(root.monitoring, instances, report)
  return problems
}

function checkMonitoring (monitoring: unknown, instances: Record<string, unknown>, report: Report): void {
  if (!isMapping(monitoring)) return
  for (const name of Object.keys(isMapping(monitoring.instances) ? monitoring.instances : {})) {
    if (!(name in instances)) report(['monitoring', 'instances', name], `names no configured instance (${Object.keys(instances).join(', ')})`)
  }
  const webhook = isMapping(monitoring.webhook) ? monitoring.webhook : {}
  if (webhook.url !== '') report(['monitoring', 'webhook', 'url'], urlProblem(webhook.url))
  const email = isMapping(monitoring.email) ? monitoring.email : {}
  if (typeof email.smtpUrl === 'string' && email.smtpUrl !== '') {
    if (!/^smtps?:\/\/[^/]/.test(email.smtpUrl)) report(['monitoring', 'email', 'smtpUrl'], 'must be an smtp:// or smtps:// URL')
    if (listOf(email.to).length === 0) report(['monitoring', 'email', 'to'], 'must name at least one recipient when smtpUrl is set')
  }
}

type Report = (at: TreePath, message: string | undefined) => void

function checkInstance (name: string, instance: Record<string, unknown>, report: Report): void {
  const at = ['instances', name]
  const cspace = isMapping(instance.cspace) ? instance.cspace : {}
  report([...at, 'cspace', 'servicesUrl'], urlProblem(cspace.servicesUrl))
  const recordUrl = cspace.recordUrl
  report([...at, 'cspace', 'recordUrl'], urlProblem(typeof recordUrl === 'string' ? recordUrl.replaceAll('{csid}', 'csid') : recordUrl))

  const accession = isMapping(instance.accessionNumber) ? instance.accessionNumber : {}
  const fromFilename = isMapping(accession.fromFilename) ? accession.fromFilename : undefined
  if (accession.fromField === false && fromFilename === undefined) {
    report([...at, 'accessionNumber'], 'needs fromField: true or a fromFilename pattern, or no accession number can be found')
  }
  if (fromFilename !== undefined) {
    report([...at, 'accessionNumber', 'fromFilename', 'pattern'], regexProblem(fromFilename.pattern))
    listOf(fromFilename.replace).forEach((pair, index) => {
      if (Array.isArray(pair)) report([...at, 'accessionNumber', 'fromFilename', 'replace', index, 0], regexProblem(pair[0]))
    })
  }

  listOf(instance.mapping).forEach((rule, index) => {
    if (!isMapping(rule) || typeof rule.cs !== 'string') return
    if (rule.rsFieldType === 'text' || rule.rsFieldType === 'date' || rule.rsFieldType === 'list') report([...at, 'mapping', index, 'cs'], mappingProblem(rule.cs, rule.rsFieldType))
  })

  const media = isMapping(instance.media) ? instance.media : {}
  listOf(media.rules).forEach((rule, index) => {
    if (isMapping(rule)) report([...at, 'media', 'rules', index, 'whenFilename'], regexProblem(rule.whenFilename))
  })
  report([...at, 'schedule'], cronProblem(instance.schedule))
}

function checkApiKeysUnique (apiKeys: unknown, report: Report): void {
  const firstIndex = new Map<string, number>()
  listOf(apiKeys).forEach((apiKey, index) => {
    if (!isMapping(apiKey) || typeof apiKey.key !== 'string') return
    const earlier = firstIndex.get(apiKey.key)
    // Never print the key itself: the output of `config check` ends up in logs.
    if (earlier !== undefined) report(['server', 'apiKeys', index, 'key'], `is the same key as ${keyPath(['server', 'apiKeys', earlier, 'key'])}`)
    else firstIndex.set(apiKey.key, index)
  })
}

// A resource type that two instances claim would make "which CS tenant does this image go to" ambiguous.
function checkResourceTypesClaimedOnce (instances: Record<string, unknown>, report: Report): void {
  const claimedBy = new Map<unknown, string>()
  for (const [name, instance] of Object.entries(instances)) {
    if (!isMapping(instance)) continue
    listOf(instance.resourceTypes).forEach((type, index) => {
      const owner = claimedBy.get(type)
      if (owner === undefined) claimedBy.set(type, name)
      else if (owner !== name) report(['instances', name, 'resourceTypes', index], `resource type ${String(type)} is already claimed by instance '${owner}'`)
    })
  }
}

/** Only strings are checked here; a wrong type is the schema's to report. */
function urlProblem (value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'must be a URL'
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'must be an http:// or https:// URL'
}

function regexProblem (value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  try {
    RegExp(value)
    return undefined
  } catch (err) {
    // V8 says 'Invalid regular expression: /(/: Unterminated group'; the path already says which one.
    return `is not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')}`
  }
}

function cronProblem (value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  try {
    new Cron(value, { paused: true }).stop()
    return undefined
  } catch (err) {
    return `is not a valid cron expression: ${(err as Error).message.replace(/^CronPattern: /, '')}`
  }
}

// ----------------------------------------------------------------------------------------------------------
// paths and small helpers
// ----------------------------------------------------------------------------------------------------------

/** `['instances', 'art', 'mapping', 0, 'cs']` → `instances.art.mapping[0].cs` */
export function keyPath (at: TreePath): string {
  return at.reduce<string>((path, segment) => typeof segment === 'number'
    ? `${path}[${segment}]`
    : path === '' ? segment : `${path}.${segment}`, '')
}

/** A JSON pointer from TypeBox → tree path; a segment is a list index only where the tree holds a list. */
function pointerToTreePath (pointer: string, tree: unknown): TreePath {
  const at: TreePath = []
  let node = tree
  for (const raw of pointer.split('/').slice(1)) {
    const key = unescapePointer(raw)
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      at.push(Number(key))
      node = node[Number(key)]
    } else {
      at.push(key)
      node = isMapping(node) ? node[key] : undefined
    }
  }
  return at
}

function unescapePointer (segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~')
}

function unresolvedProblem (item: Unresolved): ConfigProblem {
  const message = item.reason === 'missing'
    ? `environment variable ${item.name} is not set`
    : `'${item.name}' is not a variable reference: write \${NAME} or \${NAME:-default} (or $\${ for a literal \${)`
  return { path: keyPath(item.at), message }
}

function isAtOrUnder (path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}.`) || path.startsWith(`${parent}[`)
}

function dedupe (problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>()
  return problems.filter((problem) => {
    const id = `${problem.path}\n${problem.message}`
    if (seen.has(id)) return false
    seen.add(id)
    return true
  })
}

/** Sorts problems the way their keys appear in the file; a missing key sorts with its parent. */
function inFileOrder (problems: ConfigProblem[], tree: unknown): ConfigProblem[] {
  const rank = new Map<string, number>([['', 0]])
  const visit = (node: unknown, at: TreePath) => {
    rank.set(keyPath(at), rank.size)
    if (Array.isArray(node)) node.forEach((item, index) => visit(item, [...at, index]))
    else if (isMapping(node)) for (const [key, child] of Object.entries(node)) visit(child, [...at, key])
  }
  visit(tree, [])
  const rankOf = (path: string): number => {
    let candidate = path
    while (!rank.has(candidate)) candidate = parentPath(candidate) // ends at '', which is ranked
    return rank.get(candidate) ?? 0
  }
  return problems
    .map((problem, index) => ({ problem, index, rank: rankOf(problem.path) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ problem }) => problem)
}

function parentPath (path: string): string {
  return path.replace(/(\[\d+\]|\.?[^.[]*)$/, '')
}

function isMapping (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function listOf (value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}
