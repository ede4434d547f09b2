/**
 * What the nightly run over the sample museum's art instance should end in, and the checks the sync
 * tests share: one media per pushed resource, related both ways to one object, nothing orphaned.
 */
import type { Test } from 'tap'
import { successOutcomes } from '../../src/vocabulary.js'
import type { Harness } from './harness.js'

export const synced = 89
export const csUrl = 90
export const status = 91
export const creator = 92
export const title = 8

/** What the art instance of the sample museum should end in: the RS-side failures, the rest pushed. */
export const expectedFailures: Record<number, string> = { 4: 'ambiguous', 6: 'not-found', 7: 'no-accession-number', 8: 'no-derivative' }
/** Art resources (type 1) whose synced field is empty: 1–11 and 18–51 (12 is synced already, 13 is a document). */
export const artCandidates = [...Array.from({ length: 11 }, (_, i) => i + 1), ...Array.from({ length: 34 }, (_, i) => i + 18)]
export const artPushed = artCandidates.filter(rsid => expectedFailures[rsid] === undefined)
export const knownOutcomes = new Set([...successOutcomes, 'not-found', 'ambiguous', 'no-accession-number', 'no-derivative', 'upstream-error'])

export const admin = (h: Harness): Record<string, string> => ({ 'x-api-key': h.keys.admin, accept: 'application/json' })

export async function itemOutcomes (h: Harness, runId: string): Promise<Map<number, string>> {
  const page = await h.app.spacelink.store.syncRuns.items(runId, { page: 0, size: 10_000 })
  return new Map(page.items.map(i => [i.rsid, i.outcome]))
}

/** rsid of a media record from its identification number `RS-{rsid}-{size}`. */
export function rsidOfMedia (identificationNumber: string | undefined): number {
  return Number(/^RS-(\d+)-/.exec(identificationNumber ?? '')?.[1] ?? NaN)
}

/**
 * Asserts CS holds exactly one live media per expected resource, each with its own blob and one relation
 * each way to one object, and nothing else (no orphan blob or relation); returns the media's object by rsid.
 */
export function assertCsConsistent (t: Test, h: Harness, tenant: string, rsids: number[]): Map<number, string> {
  const cs = h.cs.state(tenant)
  const media = cs.media.filter(m => m.workflowState !== 'deleted')
  t.same(
    media.map(m => rsidOfMedia(m.identificationNumber)).sort((a, b) => a - b),
    [...rsids].sort((a, b) => a - b),
    `${tenant}: exactly one media per pushed resource`
  )
  const blobs = new Set(cs.blobs.map(b => b.csid))
  t.equal(cs.blobs.length, media.length, `${tenant}: as many blobs as media (no orphan blob)`)
  t.same(new Set(media.map(m => m.blobCsid)), blobs, `${tenant}: every blob belongs to one media`)
  t.equal(cs.relations.length, 2 * media.length, `${tenant}: two relations per media`)
  const objectOf = new Map<number, string>()
  for (const m of media) {
    const toMedia = cs.relations.filter(r => r.objectCsid === m.csid && r.subjectDocumentType === 'CollectionObject')
    const fromMedia = cs.relations.filter(r => r.subjectCsid === m.csid && r.objectDocumentType === 'CollectionObject')
    if (toMedia.length !== 1 || fromMedia.length !== 1 || toMedia[0]?.subjectCsid !== fromMedia[0]?.objectCsid) {
      t.fail(`${tenant}: media ${m.identificationNumber ?? m.csid} is not related once each way to one object`)
      continue
    }
    objectOf.set(rsidOfMedia(m.identificationNumber), toMedia[0]?.subjectCsid ?? '')
  }
  return objectOf
}

/** A small deterministic PRNG, so a failing resilience run can be reproduced. */
export function prng (seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6D2B79F5) | 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}
