/**
 * What an action is asked to do and what it answers. One request shape for every caller (button,
 * browser, curl, CLI, nightly sync) so the same handler code serves all of them.
 */
import type { Outcome } from './outcome.js'

export const queryTypes = ['validate-cspace-id', 'retrieve-metadata', 'push-resource', 'push-resource-group', 'status', 'revert'] as const
export type QueryType = typeof queryTypes[number]

export type Caller = 'api_webhooks' | 'browser' | 'json' | 'cli' | 'sync'

export interface ActionRequest {
  rsid: number
  queryType: QueryType
  caller: Caller
  instance?: string
  dryRun?: boolean
  size?: string
  force?: boolean
  /** revert: the transaction whose RS writes are undone. */
  transaction?: string
  syncRunId?: string
  /** push: stop waiting for the transfer after this long and finish it in the background. */
  deadlineMs?: number
}

export interface FieldChange {
  field: string
  fieldRef: number | null
  previous: string
  value: string
}

export interface CsObjectRef {
  csid: string
  objectNumber: string
  url: string
}

export interface ActionResult {
  transactionId: string
  rsid: number
  queryType: QueryType
  instance: string | null
  outcome: Outcome
  httpStatus: number
  /** The sentence without timestamp: `pushed 'scr' to CollectionSpace object 2019.12.3 (media 4f2a…)`. */
  message: string
  accessionNumber?: string
  object?: CsObjectRef
  candidates?: Array<{ csid: string, objectNumber: string }>
  /** Field-by-field diff (retrieve-metadata) or the writes undone (revert). */
  changes?: FieldChange[]
  /** True when spacelink wrote anything into RS. */
  wroteRs: boolean
  /** The RS fields written by this action (status sentence, CS URL, synced flag, mapped values). */
  rsWrites?: FieldChange[]
  linkId?: string
  mediaCsid?: string
  size?: string
  /** push-resource-group: each member's result. */
  members?: ActionResult[]
  /** Read-only summary for `status`. */
  status?: Record<string, unknown>
  /** The push goes on after the answer (api_webhooks deadline). */
  background?: boolean
}

/** What a handler returns; the runner adds the transaction, the request's identity and the HTTP status. */
export type HandlerResult = Omit<ActionResult, 'transactionId' | 'rsid' | 'queryType' | 'httpStatus' | 'wroteRs'> & {
  httpStatus?: number
  /** RS writes made by this handler (the runner turns them into `wroteRs`). */
  written?: FieldChange[]
}
