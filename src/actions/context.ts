/**
 * What a handler gets: the wired services, the request, its transaction, its RS writer, and a memo of
 * what earlier steps already fetched, so an action (or a nightly item) never asks RS or CS the same
 * question twice.
 */
import type { Logger } from 'pino'
import type { Config } from '../config/schema.js'
import type { ResourceSpaceClient, FieldValue, ImageSize } from '../clients/resourcespace.js'
import type { CollectionSpaceClient, CsRecord } from '../clients/collectionspace.js'
import type { Store } from '../store/index.js'
import type { StartedAhead } from '../push/push-derivative.js'
import type { SpacelinkEvents } from './events.js'
import type { RsWriter } from './rs-writer.js'
import type { ActionRequest, ActionResult, CsObjectRef, HandlerResult } from './types.js'

export interface Services {
  config: Config
  store: Store
  rs: ResourceSpaceClient
  cs: (instance: string) => CollectionSpaceClient
  log: Logger
  /** Work that goes on after its caller was answered; shutdown waits for it. */
  background: Set<Promise<unknown>>
  /** The clock (status sentences, failure schedules); tests move it. */
  now: () => Date
  /** Waits `ms` (the button deadline) unless aborted; tests pass one they fire themselves. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>
  /** Domain events (action-finished, sync-run-finished) for metrics and notifications. */
  events: SpacelinkEvents
}

/** What the actions use of an RS resource: its type (which picks the instance) and its field values. */
export interface LoadedResource {
  rsid: number
  resourceType: number
  fields: FieldValue[]
}

export type ObjectMatch =
  | { kind: 'valid', object: CsObjectRef }
  | { kind: 'not-found' }
  | { kind: 'ambiguous', candidates: CsObjectRef[] }

export interface ActionMemo {
  /** The resource's type, when a search already said it (the nightly run): only the fields are read then. */
  resourceType?: number
  loaded?: LoadedResource
  /** The instance the resource belongs to, once chosen. */
  instanceName?: string
  match?: { accessionNumber: string, result: ObjectMatch }
  record?: CsRecord
  /** The resource's image sizes, asked for beside the resource's fields by an action that pushes. */
  sizes?: Promise<ImageSize[]>
  /** A first push's download and media search, begun beside the CS search (push-ahead.ts). */
  pushAhead?: PushAhead
}

/** What a first push began ahead of its lock, and whether the push took it or the action dropped it. */
export interface PushAhead {
  started: Promise<StartedAhead | undefined>
  state: 'begun' | 'taken' | 'dropped'
}

export type Handler = (ctx: ActionContext) => Promise<HandlerResult>

export interface ActionContext {
  services: Services
  req: ActionRequest
  transactionId: string
  memo: ActionMemo
  log: Logger
  /** Kept in the transaction: the CS record as received, and the values mapped from it. */
  details: { raw: string | null, mapped: Record<string, unknown> | null }
  /** The one way this action writes RS. */
  writer: RsWriter
  /** Runs another action as its own transaction (push-resource-group's other members); failures come back as results. */
  runOther: (req: ActionRequest, handler: Handler) => Promise<ActionResult>
}
