/**
 * What "pushed exactly once" means in CollectionSpace, checked on the simulator's state: for one object,
 * exactly one live blob, one live media record using it, one relation each way, and nothing left over
 * anywhere in the tenant (no blob without a media record or shared by two, no media record missing a direction).
 */
import type { Test } from 'tap'
import type { CsState } from '../../src/simulators/collectionspace/index.js'

type Assert = Pick<Test, 'equal'>

export interface PushedOnce {
  blobCsid: string | undefined
  mediaCsid: string | undefined
}

/** Asserts that `state` (one tenant) holds exactly one push of anything: one blob, one media, two relations. */
export function assertPushedOnce (t: Assert, state: CsState, objectCsid: string, label = ''): PushedOnce {
  const at = label === '' ? '' : ` (${label})`
  const live = <T extends { workflowState: string }>(records: T[]): T[] => records.filter(r => r.workflowState !== 'deleted')
  const blobs = live(state.blobs)
  const media = live(state.media)
  const relations = live(state.relations)
  t.equal(blobs.length, 1, `exactly one blob${at}`)
  t.equal(media.length, 1, `exactly one media record${at}`)
  t.equal(relations.length, 2, `exactly two relations${at}`)
  const [blob] = blobs
  const [record] = media
  t.equal(record?.blobCsid, blob?.csid, `the media record uses the blob${at}`)
  const forward = relations.filter(r => r.subjectCsid === objectCsid && r.objectCsid === record?.csid)
  const backward = relations.filter(r => r.subjectCsid === record?.csid && r.objectCsid === objectCsid)
  t.equal(forward.length, 1, `one object → media relation${at}`)
  t.equal(backward.length, 1, `one media → object relation${at}`)
  assertNoOrphans(t, state, at)
  return { blobCsid: blob?.csid, mediaCsid: record?.csid }
}

/** Every live blob is the blob of exactly one live media record; every live media record is related both ways. */
export function assertNoOrphans (t: Assert, state: CsState, at = ''): void {
  const media = state.media.filter(m => m.workflowState !== 'deleted')
  const relations = state.relations.filter(r => r.workflowState !== 'deleted')
  const orphanBlobs = state.blobs.filter(b => b.workflowState !== 'deleted' && !media.some(m => m.blobCsid === b.csid))
  t.equal(orphanBlobs.length, 0, `no blob without a media record${at}`)
  const blobsInUse = media.map(m => m.blobCsid)
  t.equal(new Set(blobsInUse).size, blobsInUse.length, `no two media records share a blob${at}`)
  const halfRelated = media.filter(m => !relations.some(r => r.objectCsid === m.csid) || !relations.some(r => r.subjectCsid === m.csid))
  t.equal(halfRelated.length, 0, `every media record is related both ways${at}`)
}
