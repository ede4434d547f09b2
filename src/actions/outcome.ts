/**
 * How an outcome is said: the HTTP status each one answers with, the problem code of the failures, and
 * the one sentence a person reads in RS, the result page, the CLI and the JSON `message` (composed only
 * here, so the outcome word is never said twice).
 */
import type { Outcome } from '../vocabulary.js'
import type { RefusedValue } from './types.js'

export const httpStatusOf: Record<Outcome, number> = {
  valid: 200,
  updated: 200,
  unchanged: 200,
  pushed: 201,
  'already-pushed': 200,
  reverted: 200,
  status: 200,
  'in-progress': 202,
  'not-found': 422,
  ambiguous: 422,
  'no-accession-number': 422,
  'no-derivative': 422,
  'no-instance': 422,
  conflict: 409,
  'upstream-error': 502
}

/** Stable problem codes for the outcomes that are answered as problems. */
export const problemOf: Partial<Record<Outcome, { code: string, title: string }>> = {
  'not-found': { code: 'OBJECT_NOT_FOUND', title: 'No CollectionSpace object with this accession number' },
  ambiguous: { code: 'AMBIGUOUS_OBJECT', title: 'Ambiguous CollectionSpace object' },
  'no-accession-number': { code: 'NO_ACCESSION_NUMBER', title: 'The resource has no accession number' },
  'no-derivative': { code: 'NO_DERIVATIVE', title: 'No usable derivative' },
  'no-instance': { code: 'NO_INSTANCE', title: 'No CollectionSpace instance for this resource' },
  conflict: { code: 'CONFLICT', title: 'Conflicting change' },
  'upstream-error': { code: 'UPSTREAM_ERROR', title: 'An upstream system failed' }
}

/** `pushed: 'scr' to CollectionSpace object 2019.12.3 (media 4f2a…)`, plus the values RS would not keep. */
export function describe (outcome: Outcome, detail: string, refused: readonly RefusedValue[] = []): string {
  const notWritten = refused.length === 0 ? '' : ` (not written: ${refused.map(r => `${r.title ?? r.field}: ${r.reason}`).join('; ')})`
  return `${outcome}: ${detail}${notWritten}`
}

/** `2026-11-21 14:02 spacelink: pushed: …` — minute precision in UTC, so every reader sees one clock. */
export function statusSentence (description: string, at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} spacelink: ${description}`
}
