/**
 * What a handler gets: the wired services, the request, its transaction, and a memo of what earlier
 * steps already fetched, so an action (or a sync item running several actions) never asks RS or CS
 * the same question twice.
 */
import type { Logger } from 'pino'
import type { Config } from '../config/schema.js'
import type { ResourceSpaceClient } from '../clients/resourcespace.js'
import type { CollectionSpaceClient, CsRecord } from '../clients/collectionspace.js'
import type { Store } from '../store/index.js'
import type { ActionRequest, FieldChange } from './types.js'
import type { SpacelinkEvents } from './events.js'
import type { LoadedResource, ObjectMatch } from './resource-context.js'

export interface Services {
  config: Config
  store: Store
  rs: ResourceSpaceClient
  cs: (instance: string) => CollectionSpaceClient
  log: Logger
  /** Work that goes on after its caller was answered; shutdown waits for it. */
  background: Set<Promise<unknown>>
  /** Domain events (action-finished, sync-run-finished) for metrics and notifications. */
  events: SpacelinkEvents
}

export interface ActionMemo {
  /** The resource's type, when a search already said it (the nightly sync): only the fields are read then. */
  resourceType?: number
  loaded?: LoadedResource
  match?: { accessionNumber: string, result: ObjectMatch }
  record?: CsRecord
}

export interface ActionContext {
  services: Services
  req: ActionRequest
  transactionId: string
  memo: ActionMemo
  log: Logger
  /** Kept in the transaction: the CS record as received, and the values mapped from it. */
  details: { raw: string | null, mapped: Record<string, unknown> | null }
  /** Every RS write of this transaction, in order (recorded before each is made). */
  rsWrites: Array<FieldChange & { writtenAt: string | null }>
  /**
   * Set once an api_webhooks caller has been answered: from then on nothing may be written into RS (RS
   * re-reads the resource after the answer; a later write makes the person's next save an edit conflict).
   * Checked and set under the RS gate (see underRsGate), so no write is under way when the answer goes out.
   */
  answered: boolean
  /** The tail of the action's RS writes: each write, and the deadline's answer, waits for the one before. */
  rsGate: Promise<void>
}
