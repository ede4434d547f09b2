/**
 * The words registrars read: what each button does, what each outcome means, and what to do next when
 * it is a failure. The outcome words themselves (docs/product.md §Actions) stay visible next to these,
 * so a registrar and IT talking about one result use the same word.
 */
import type { Outcome, QueryType } from '../vocabulary.js'

export const actionLabels: Record<QueryType, string> = {
  'validate-cspace-id': 'Check the CollectionSpace record',
  'retrieve-metadata': 'Copy metadata from CollectionSpace',
  'push-resource': 'Send the image to CollectionSpace',
  'push-resource-group': 'Send the whole group to CollectionSpace',
  status: 'Show what spacelink knows',
  revert: 'Undo an earlier metadata change'
}

/** The label of a query type as the store holds it (a string), itself when it is none spacelink knows. */
export function actionLabel (queryType: string): string {
  return Object.hasOwn(actionLabels, queryType) ? actionLabels[queryType as QueryType] : queryType
}

/** What the button will do, said before it is pressed. */
export const actionPromises: Record<QueryType, string> = {
  'validate-cspace-id': 'spacelink looks the accession number up in CollectionSpace and writes what it found into the resource’s status and CollectionSpace record fields.',
  'retrieve-metadata': 'spacelink copies the CollectionSpace record’s values into these ResourceSpace fields (only values that differ), and records the earlier values so the change can be undone.',
  'push-resource': 'spacelink sends the image to the CollectionSpace record as a media record, copies the record’s metadata into ResourceSpace, and marks the resource synced.',
  'push-resource-group': 'spacelink sends every image of the group to the one CollectionSpace record, and copies its metadata into each of them.',
  status: 'spacelink shows what it remembers of this resource. Nothing is written.',
  revert: 'spacelink puts back the values these fields had before the earlier change, unless someone has edited them since.'
}

export type Tone = 'ok' | 'problem' | 'info'

export interface OutcomeWords {
  /** A headline in a registrar's words. */
  headline: string
  tone: Tone
  /** What to do next (failures only). */
  next?: string
}

export const outcomeWords: Record<Outcome, OutcomeWords> = {
  valid: { headline: 'Found: exactly one CollectionSpace record has this accession number', tone: 'ok' },
  updated: { headline: 'Metadata copied from CollectionSpace', tone: 'ok' },
  unchanged: { headline: 'Nothing to change: ResourceSpace already holds these values', tone: 'ok' },
  pushed: { headline: 'Image sent to CollectionSpace', tone: 'ok' },
  'already-pushed': { headline: 'The image was already in CollectionSpace; nothing was sent again', tone: 'ok' },
  reverted: { headline: 'Earlier values restored', tone: 'ok' },
  status: { headline: 'What spacelink knows of this resource', tone: 'info' },
  'in-progress': {
    headline: 'Still working: the transfer goes on in the background',
    tone: 'info',
    next: 'Nothing to do now. The result appears in the resource’s status field after the next press or the nightly run.'
  },
  'not-found': {
    headline: 'No CollectionSpace record has this accession number',
    tone: 'problem',
    next: 'Check the accession number in ResourceSpace (a typo, or another format such as 2019-12-3 for 2019.12.3), or create the object in CollectionSpace first. Then press the button again.'
  },
  ambiguous: {
    headline: 'Several CollectionSpace records share this accession number',
    tone: 'problem',
    next: 'Fix the number in CollectionSpace or in ResourceSpace so that exactly one record has it, then press the button again.'
  },
  'no-accession-number': {
    headline: 'The resource has no accession number',
    tone: 'problem',
    next: 'Enter the accession number in ResourceSpace (or upload the file under a name that contains it), save, then press the button again.'
  },
  'no-derivative': {
    headline: 'There is no image to send',
    tone: 'problem',
    next: 'ResourceSpace has not made a preview of this resource yet. Wait until it has (or recreate the previews in ResourceSpace), then press the button again.'
  },
  'no-instance': {
    headline: 'This kind of resource is not linked to CollectionSpace',
    tone: 'problem',
    next: 'Nothing to do if this resource should stay out of CollectionSpace. If it should be linked, ask IT to add its resource type to spacelink’s configuration.'
  },
  conflict: {
    headline: 'Not undone: someone changed these fields since',
    tone: 'problem',
    next: 'Look at the fields listed below in ResourceSpace and correct them by hand if the earlier values should come back.'
  },
  'upstream-error': {
    headline: 'ResourceSpace or CollectionSpace did not answer properly',
    tone: 'problem',
    next: 'This is usually temporary: press the button again in a few minutes. If it keeps failing, send IT the reference below.'
  }
}

/** A failure without an outcome word: spacelink could not act at all. */
export const errorWords: OutcomeWords = {
  headline: 'spacelink could not act',
  tone: 'problem',
  next: 'Send IT the reference below; pressing again will not help until they have looked.'
}

export function wordsFor (outcome: string | null): OutcomeWords {
  return outcome !== null && Object.hasOwn(outcomeWords, outcome) ? outcomeWords[outcome as Outcome] : errorWords
}

/** The short name of an outcome for lists and filters. */
export function outcomeLabel (outcome: string | null): string {
  return outcome ?? 'error'
}

const callers: Record<string, string> = {
  api_webhooks: 'RS button',
  browser: 'browser',
  json: 'script',
  cli: 'command line',
  sync: 'nightly sync'
}

/** Who started an action, as people say it. */
export function callerWords (caller: string): string {
  return callers[caller] ?? caller
}
