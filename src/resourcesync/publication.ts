/**
 * What every ResourceSync document is made from: the configured public URL, instances and list size, and
 * the store's link history.
 */
import type { LinkHistoryRepo } from '../store/index.js'

export interface Publication {
  publicUrl: string
  instances: string[]
  /** Most entries in one list document; longer lists become an index of parts. */
  maxListSize: number
  history: LinkHistoryRepo
  /** When this process started publishing: Last-Modified of the documents that only the config shapes. */
  configuredAt: string
}
