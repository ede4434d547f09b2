/**
 * The words every layer shares: what an action is asked (query types), who asks (callers), how it ended
 * (outcomes) and what an upstream call looked like. One definition each, below everything that uses them
 * (docs/product.md §Actions lists what each word means to a person).
 */

export const queryTypes = ['validate-cspace-id', 'retrieve-metadata', 'push-resource', 'push-resource-group', 'status', 'revert'] as const
export type QueryType = typeof queryTypes[number]

/** `sync` is the nightly run; the others are the ways a person or a script calls the one endpoint. */
export const callers = ['api_webhooks', 'browser', 'json', 'cli', 'sync'] as const
export type Caller = typeof callers[number]

export const outcomes = [
  'valid', 'updated', 'unchanged', 'pushed', 'already-pushed', 'reverted', 'status', 'in-progress',
  'not-found', 'ambiguous', 'no-accession-number', 'no-derivative', 'no-instance', 'conflict', 'upstream-error'
] as const
export type Outcome = typeof outcomes[number]

/**
 * Outcomes that mean "spacelink did what was asked". Anything else is a failure a person or the next
 * nightly run has to look at. `in-progress` is neither: the action was answered before it ended (the
 * button's deadline) and its real outcome is stored when it does.
 */
const successes: ReadonlySet<Outcome> = new Set(['valid', 'updated', 'unchanged', 'pushed', 'already-pushed', 'reverted', 'status'])

export function isSuccess (outcome: string): boolean {
  return successes.has(outcome as Outcome)
}

/** The outcome words that are successes, for queries that must name them. */
export const successOutcomes: readonly Outcome[] = [...successes]

export type UpstreamSystem = 'resourcespace' | 'collectionspace'

/** One upstream call as the transaction log keeps it. */
export interface UpstreamCall {
  system: UpstreamSystem
  operation: string
  method: string
  status: number | null
  ms: number
  error?: string
}
