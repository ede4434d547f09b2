/**
 * The outcome words used everywhere (JSON, HTML, the RS status field, logs; PRODUCT.md §2), the HTTP
 * status each one answers with, and the one-line sentence spacelink writes into the RS status field.
 */

export const outcomes = [
  'valid', 'updated', 'unchanged', 'pushed', 'already-pushed', 'reverted', 'status',
  'not-found', 'ambiguous', 'no-accession-number', 'no-derivative', 'no-instance', 'conflict', 'upstream-error'
] as const
export type Outcome = typeof outcomes[number]

/** Outcomes that mean "spacelink did what was asked" (the RS synced flag may be set after them). */
export const successOutcomes: ReadonlySet<Outcome> = new Set(['valid', 'updated', 'unchanged', 'pushed', 'already-pushed', 'reverted', 'status'])

export const httpStatusOf: Record<Outcome, number> = {
  valid: 200,
  updated: 200,
  unchanged: 200,
  pushed: 201,
  'already-pushed': 200,
  reverted: 200,
  status: 200,
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

/** `2026-11-21 14:02 spacelink: pushed …` — minute precision in UTC, so every reader sees one clock. */
export function statusSentence (message: string, at = new Date()): string {
  const stamp = at.toISOString().slice(0, 16).replace('T', ' ')
  return `${stamp} spacelink: ${message}`
}
