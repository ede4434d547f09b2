/**
 * Domain events: what the action runner and the sync engine announce when they finish something, for
 * whoever watches from outside the domain (metrics, notifications). Plain data, emitted after the
 * outcome is stored; a listener can never change what happened.
 */
import { EventEmitter } from 'node:events'

export interface ActionFinished {
  queryType: string
  caller: string
  instance: string | null
  /** The outcome word, or null when the action ended in an error that is not an outcome. */
  outcome: string | null
  durationMs: number
  upstreamCalls: number
  transactionId: string
}

export interface SyncRunFinished {
  instance: string
  runId: string
  status: 'finished' | 'failed' | 'interrupted'
  counts: Record<string, number>
  durationMs: number
  finishedAt: Date
}

export interface SpacelinkEventMap {
  'action-finished': [ActionFinished]
  'sync-run-finished': [SyncRunFinished]
}

export type SpacelinkEvents = EventEmitter<SpacelinkEventMap>

export function createEvents (): SpacelinkEvents {
  return new EventEmitter<SpacelinkEventMap>()
}
