/**
 * Telling the person in RS: the outcome sentence goes into the status field (and the CS record URL into
 * its field when known), together with any other values the action writes, in one pass of writes.
 */
import type { FieldRef } from '../config/schema.js'
import type { ActionContext } from './action-context.js'
import { statusSentence } from './outcome.js'
import { diffFields, writeFields, type DesiredValue } from './rs-writes.js'
import type { FieldChange } from './types.js'

export interface Report {
  message: string
  cspaceUrl?: string
  synced?: 'true' | 'false'
  values?: DesiredValue[]
}

/** Writes the report into RS (not in a dry run) and returns what was written. */
export async function reportToRs (ctx: ActionContext, report: Report): Promise<FieldChange[]> {
  if (ctx.req.dryRun === true) return []
  const fields = ctx.services.config.resourcespace.fields
  const desired: DesiredValue[] = [...(report.values ?? [])]
  if (report.cspaceUrl !== undefined) desired.push({ field: fields.cspaceUrl, value: report.cspaceUrl })
  if (report.synced !== undefined) desired.push({ field: fields.synced as FieldRef, value: report.synced })
  desired.push({ field: fields.status, value: statusSentence(report.message) })
  return await writeFields(ctx, diffFields(ctx, desired))
}
