/**
 * The media record's fields: the instance's template (placeholders `{rsid}`, `{size}`,
 * `{accessionNumber}`, `{filename}`, `{objectCsid}`) plus the rules whose filename pattern matches
 * (e.g. `_6.jpg` → no public display). Values are plain strings here; the XML builder escapes them.
 */
import type { InstanceConfig } from '../config/schema.js'

export interface MediaContext {
  rsid: number
  size: string
  accessionNumber: string
  filename: string
  objectCsid: string
  version: number
}

/** The identification number is the stable key that finds a media record again after a crash. */
export function identificationKey (instance: InstanceConfig, m: MediaContext): string {
  const key = fill(keyTemplate(instance), m)
  return m.version > 1 ? `${key}-v${m.version}` : key
}

/**
 * Version 1's key before the CS object is matched, for a first push to ask CS for beside the object search
 * (src/actions/push-ahead.ts). Only a key that names the resource and the size (`{rsid}`, `{size}`) and not
 * the object: media found by it can then only be a push of this resource and size, whose link the store
 * would hold unless its memory was lost.
 */
export function firstKeyBeforeMatch (instance: InstanceConfig, m: Omit<MediaContext, 'objectCsid' | 'version'>): string | undefined {
  const template = keyTemplate(instance)
  if (!template.includes('{rsid}') || !template.includes('{size}') || template.includes('{objectCsid}')) return undefined
  return identificationKey(instance, { ...m, objectCsid: '', version: 1 })
}

export function mediaFields (instance: InstanceConfig, m: MediaContext): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const [name, template] of Object.entries(instance.media.fields)) fields[name] = fill(template, m)
  for (const rule of instance.media.rules) {
    if (new RegExp(rule.whenFilename, 'i').test(m.filename)) Object.assign(fields, rule.set)
  }
  fields['media_common/identificationNumber'] = identificationKey(instance, m)
  fields['media_common/title'] ??= `${m.accessionNumber} (${m.size})`
  return fields
}

function keyTemplate (instance: InstanceConfig): string {
  return instance.media.fields['media_common/identificationNumber'] ?? 'RS-{rsid}-{size}'
}

function fill (template: string, m: MediaContext): string {
  const values: Record<string, string> = {
    rsid: String(m.rsid),
    size: m.size,
    accessionNumber: m.accessionNumber,
    filename: m.filename,
    objectCsid: m.objectCsid
  }
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole)
}
