/**
 * `spacelink config check --online`: what the configuration meets in the real systems, before the first
 * night. With the configured credentials it reads — as spacelink itself would, never with an admin-only
 * RS function — one resource of each configured resource type, and reports per owned field and per
 * mapping: does the field exist, its type, does it apply to each of the instance's types, does the synced
 * field offer `true` and `false`, would a mapping put values there that RS does not keep (free text into
 * a date field) — and which of the permissions spacelink uses the RS user lacks. For each CS instance: is
 * it reachable, are the credentials accepted, may the user search collection objects.
 * Nothing is written anywhere.
 */
import type { Config, FieldRef, InstanceConfig } from '../config/schema.js'
import { mappingProblem, type RsFieldKind } from '../config/mapping-rules.js'
import type { CollectionSpaceClient } from '../clients/collectionspace.js'
import type { FieldValue, ResourceSpaceClient } from '../clients/resourcespace.js'
import { fieldTypeNames, fixedOptionTypes, isDateType, isField } from '../clients/rs-fields.js'
import { UpstreamError } from '../errors.js'

export type Verdict = 'ok' | 'problem' | 'note'

export interface Finding {
  verdict: Verdict
  /** What was checked: `RS`, `RS field synced`, `instance art mapping[1] → 12`, `CS art`. */
  subject: string
  detail: string
}

const textTypes = new Set([0, 1, 5, 8])

export async function onlineCheck (config: Config, rs: ResourceSpaceClient, cs: (instance: string) => CollectionSpaceClient): Promise<Finding[]> {
  const findings: Finding[] = []
  const say = (verdict: Verdict, subject: string, detail: string): void => { findings.push({ verdict, subject, detail }) }
  try {
    await rs.getSystemStatus()
    say('ok', 'RS', `${config.resourcespace.apiUrl} answers as user '${config.resourcespace.user}'`)
  } catch (err) {
    say('problem', 'RS', describe(err))
    return [...findings, ...await checkCs(config, cs)]
  }
  await checkPermissions(config, rs, say)
  for (const [name, instance] of Object.entries(config.instances)) await checkInstanceFields(config, rs, name, instance, say)
  return [...findings, ...await checkCs(config, cs)]
}

/** The permissions spacelink's work relies on, asked with `checkperm` (any user may ask about itself). */
async function checkPermissions (config: Config, rs: ResourceSpaceClient, say: (v: Verdict, s: string, d: string) => void): Promise<void> {
  const needs: Array<[string, string]> = [['s', 'search resources'], ['e0', 'edit active resources (workflow state 0)']]
  for (const [perm, what] of needs) {
    if (!await rs.hasPermission(perm)) say('problem', `RS permission ${perm}`, `user '${config.resourcespace.user}' may not ${what}; spacelink needs it`)
    else say('ok', `RS permission ${perm}`, `may ${what}`)
  }
  if (await rs.hasPermission('a')) {
    say(
      'note',
      'RS permission a',
      'the user has system setup rights; spacelink does not need them (a least-privilege account is safer)'
    )
  } else say('ok', 'RS permission a', 'no system setup rights: as it should be, spacelink needs none')
}

function ownedFields (config: Config): Array<[string, FieldRef]> {
  const f = config.resourcespace.fields
  return [
    ['accessionNumber', f.accessionNumber],
    ['originalFilename', f.originalFilename],
    ['synced', f.synced],
    ['status', f.status],
    ['cspaceUrl', f.cspaceUrl],
    ...(f.group === undefined ? [] : [['group', f.group] as [string, FieldRef]])
  ]
}

async function checkInstanceFields (
  config: Config,
  rs: ResourceSpaceClient,
  name: string,
  instance: InstanceConfig,
  say: (v: Verdict, s: string, d: string) => void
): Promise<void> {
  const byType = new Map<number, FieldValue[]>()
  for (const type of instance.resourceTypes) {
    const sample = await rs.sampleResource(type)
    if (sample === undefined) {
      say('note', `instance ${name} type ${type}`, 'RS has no resource of this type yet: its fields cannot be checked')
      continue
    }
    byType.set(type, await rs.getResourceFieldData(sample))
  }
  if (byType.size === 0) return
  const lookup = (ref: FieldRef): { field?: FieldValue, missingOn: number[] } => {
    const missingOn: number[] = []
    let field: FieldValue | undefined
    for (const [type, fields] of byType) {
      const found = fields.find(f => isField(f, ref))
      if (found === undefined) missingOn.push(type)
      else field ??= found
    }
    return { ...(field === undefined ? {} : { field }), missingOn }
  }
  // RS `metadata_field_edit_access`: not `F<ref>`, and not `F*` unless `F-<ref>`.
  const editable = new Map<number, Promise<boolean>>()
  const mayEdit = async (ref: number): Promise<boolean> => {
    if (!editable.has(ref)) {
      editable.set(
        ref,
        (async () => (!await rs.hasPermission('F*') || await rs.hasPermission(`F-${ref}`)) && !await rs.hasPermission(`F${ref}`))()
      )
    }
    return await (editable.get(ref) as Promise<boolean>)
  }
  const written = new Set<FieldRef>([
    config.resourcespace.fields.synced,
    config.resourcespace.fields.status,
    config.resourcespace.fields.cspaceUrl,
    ...instance.mapping.map(m => m.rsField)
  ])
  for (const ref of written) {
    const { field } = lookup(ref)
    if (field !== undefined && !await mayEdit(field.ref)) {
      say(
        'problem',
      `instance ${name} RS permission F${field.ref}`,
      `user '${config.resourcespace.user}' may not edit '${field.title}' (${field.ref}), which spacelink writes`
      )
    }
  }
  for (const [role, ref] of ownedFields(config)) {
    const subject = `instance ${name} field ${role} (${String(ref)})`
    const { field, missingOn } = lookup(ref)
    if (role === 'group' && field === undefined) {
      say(
        'note',
        subject,
      `not on resource types ${instance.resourceTypes.join(', ')}: push-resource-group pushes single resources here`
      ); continue
    }
    if (field === undefined) {
      say(
        'problem',
        subject,
      `RS shows no such field on resource types ${instance.resourceTypes.join(', ')} (missing, not applied to those types, or hidden from the user)`
      ); continue
    }
    if (missingOn.length > 0) say('problem', subject, `${typeName(field)} field '${field.title}' does not apply to resource type(s) ${missingOn.join(', ')}`)
    const wrongType = role === 'synced' ? !fixedOptionTypes.has(field.type) && !textTypes.has(field.type) : (role === 'status' || role === 'cspaceUrl') && !textTypes.has(field.type)
    if (wrongType) { say('problem', subject, `'${field.title}' is a ${typeName(field)} field; spacelink writes text into it`); continue }
    if (role === 'synced' && fixedOptionTypes.has(field.type)) {
      const options = await rs.getFieldOptions(field.ref)
      const missing = ['true', 'false'].filter(o => !options.some(x => x.toLowerCase() === o))
      if (missing.length > 0) {
        say(
          'problem',
          subject,
        `option list '${field.title}' lacks the option(s) ${missing.join(', ')} (it has: ${options.join(', ')}); RS would empty the field instead`
        ); continue
      }
    }
    if (missingOn.length === 0) say('ok', subject, `${typeName(field)} field '${field.title}'`)
  }
  instance.mapping.forEach((rule, index) => {
    const subject = `instance ${name} mapping[${index}] → ${String(rule.rsField)}`
    const { field, missingOn } = lookup(rule.rsField)
    if (field === undefined) {
      say(
        'problem',
        subject,
      `RS shows no field ${String(rule.rsField)} on resource types ${instance.resourceTypes.join(', ')}`
      ); return
    }
    if (missingOn.length > 0) {
      say(
        'problem',
        subject,
      `'${field.title}' does not apply to resource type(s) ${missingOn.join(', ')}: those resources never get this value`
      )
    }
    const kind: RsFieldKind = isDateType(field.type) ? 'date' : fixedOptionTypes.has(field.type) ? 'list' : 'text'
    const problem = mappingProblem(rule.cs, kind)
    if (problem !== undefined) say('problem', subject, `'${field.title}' (${typeName(field)}): spacelink ${problem}`)
    else if (rule.rsFieldType !== undefined && rule.rsFieldType !== kind) {
      say(
        'problem',
        subject,
      `the configuration says rsFieldType ${rule.rsFieldType}, RS says '${field.title}' is a ${typeName(field)} field`
      )
    } else if (kind === 'list') {
      say(
        'note',
        subject,
      `'${field.title}' is an option list: a CS value that is not one of its options is not written (and named in the status field)`
      )
    } else if (missingOn.length === 0) say('ok', subject, `${typeName(field)} field '${field.title}' ← ${rule.cs}`)
  })
}

async function checkCs (config: Config, cs: (instance: string) => CollectionSpaceClient): Promise<Finding[]> {
  const findings: Finding[] = []
  for (const [name, instance] of Object.entries(config.instances)) {
    const client = cs(name)
    const subject = `CS ${name}`
    try {
      await client.systemInfo()
    } catch (err) {
      findings.push({ verdict: 'problem', subject, detail: `${instance.cspace.servicesUrl} is not reachable: ${describe(err)}` })
      continue
    }
    try {
      await client.findObjectsByNumber('spacelink-config-check')
      findings.push({
        verdict: 'ok',
        subject,
        detail: `user '${instance.cspace.user}' may search collection objects (creating media, blobs and relations is first tried by a push)`
      })
    } catch (err) {
      findings.push({ verdict: 'problem', subject, detail: describe(err) })
    }
  }
  return findings
}

function typeName (field: FieldValue): string {
  return fieldTypeNames[field.type] ?? `type ${field.type}`
}

function describe (err: unknown): string {
  return err instanceof UpstreamError ? err.message : err instanceof Error ? err.message : String(err)
}

/** The findings as a table museum IT can act on. */
export function findingsTable (findings: readonly Finding[]): string {
  const rows = findings.map(f => [f.verdict.toUpperCase(), f.subject, f.detail])
  const widths = [7, Math.min(60, Math.max(7, ...rows.map(r => (r[1] ?? '').length)))]
  return rows.map(([v, s, d]) => `${(v ?? '').padEnd(widths[0] ?? 7)}  ${(s ?? '').padEnd(widths[1] ?? 7)}  ${d ?? ''}`).join('\n') + '\n'
}
