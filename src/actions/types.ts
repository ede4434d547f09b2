/**
 * What an action is asked to do and what it answers. One request shape for every caller (button,
 * browser, curl, CLI, nightly sync) so the same handler code serves all of them.
 */
import type { Caller, Outcome, QueryType } from '../vocabulary.js'

export { queryTypes, type Caller, type Outcome, type QueryType } from '../vocabulary.js'

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
  /**
   * Any action: answer after this long even if the work goes on (the api_webhooks caller, which RS
   * stops waiting for after 60 s). The work then finishes in the background without writing RS again.
   */
  deadlineMs?: number
  /** The HTTP request this action serves, for its log lines. */
  requestId?: string
}

/** One RS field change: `previous` is what RS held before (recorded before the write). */
export interface FieldChange {
  field: string
  fieldRef: number | null
  /** The field's title in RS, for people. */
  title?: string
  previous: string
  value: string
}

/** A value spacelink did not write because RS would not keep it (or the field does not apply). */
export interface RefusedValue {
  field: string
  fieldRef: number | null
  title?: string
  value: string
  reason: string
}

export interface CsObjectRef {
  csid: string
  objectNumber: string
  url: string
  title?: string
}

export interface ActionResult {
  transactionId: string
  rsid: number
  queryType: QueryType
  instance: string | null
  outcome: Outcome
  httpStatus: number
  /** The outcome in words, without timestamp: `pushed: 'scr' to CollectionSpace object 2019.12.3 (media 4f2a…)`. */
  message: string
  accessionNumber?: string
  object?: CsObjectRef
  candidates?: CsObjectRef[]
  /** Field-by-field diff (retrieve-metadata, push) or the writes undone (revert). */
  changes?: FieldChange[]
  /** Values not written because RS would not keep them. */
  refused?: RefusedValue[]
  /** True when spacelink wrote anything into RS. */
  wroteRs: boolean
  /** The RS fields written by this action (status sentence, CS URL, synced flag, mapped values). */
  rsWrites?: FieldChange[]
  linkId?: string
  mediaCsid?: string
  size?: string
  /** push-resource-group: each other member's result. */
  members?: ActionResult[]
  /** Read-only summary for `status`. */
  status?: Record<string, unknown>
  /** The action goes on after the answer (the api_webhooks deadline). */
  background?: boolean
}

/**
 * What a handler returns: the outcome and a `detail` sentence (without the outcome word, which the one
 * owner of sentences, `describe`, puts in front); the runner adds the transaction, the request's identity
 * and the HTTP status.
 */
export type HandlerResult = Omit<ActionResult, 'transactionId' | 'rsid' | 'queryType' | 'httpStatus' | 'wroteRs' | 'message' | 'rsWrites'> & {
  detail: string
  httpStatus?: number
}
