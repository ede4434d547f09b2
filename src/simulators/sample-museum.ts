/**
 * The small museum the demo and the tests run on: one description that both simulators seed from, so a
 * resource's accession number in the RS simulator and the object number in the CS simulator agree.
 *
 * Every tricky case the original spacelink got wrong has a row here: soft-deleted duplicates, an ambiguous
 * number, `X` vs `X.5`, two makers, apostrophes and quotes in names, a number only in the filename,
 * no accession number, no derivative, a `_6.jpg` file, other resource types and already-synced resources.
 */

/** CS tenants of the sample museum; each becomes one spacelink instance in the demo config. */
export type SampleTenant = 'art' | 'film'

export interface SampleObject {
  tenant: SampleTenant
  csid: string
  objectNumber: string
  title: string
  /** Person refNames, in order (objectProductionPerson). */
  makers: string[]
  /** The display date as a person typed it in CS. */
  date?: string
  /** The structured earliest date CS parsed from it (default: the year in the display date). */
  earliest?: { year: number, month?: number, day?: number }
  /** Soft-deleted (workflow state `deleted`): a search with wf_deleted=false must not see it. */
  deleted?: boolean
  updatedAt: string
}

/** RS derivative sizes as RS names them. */
export type SampleSize = 'thm' | 'pre' | 'scr' | 'col'

export interface SampleResource {
  ref: number
  /** RS resource type: 1 photo (art), 3 film still, 4 film poster (film), 2 document (no instance). */
  resourceType: number
  /** Value of the RS accession-number field; absent = empty field. */
  accessionNumber?: string
  originalFilename: string
  title?: string
  /** Film id shared by several stills (push-resource-group). */
  group?: string
  /** The derivative sizes RS has made for this resource; empty = RS serves its placeholder PNG. */
  sizes: SampleSize[]
  /** Value of the synced field ('true' = already synced). */
  synced?: 'true' | 'false'
  /** The original's pixel size: RS makes the preview sizes it would for it (then `sizes` is not used). */
  original?: { width: number, height: number }
}

const person = (shortId: string, display: string): string =>
  `urn:cspace:core.collectionspace.org:personauthorities:name(person):item:name(${shortId})'${display}'`

export const samplePeople = {
  okeeffe: person('GeorgiaOKeeffe1737252792320', "Georgia O'Keeffe"),
  stieglitz: person('AlfredStieglitz1737252792321', 'Alfred Stieglitz'),
  grooms: person('RedGrooms1737252821930', 'Charles "Red" Grooms'),
  morris: person('MorrisPerry1737252821931', 'Morris, Perry(Pete)'),
  lange: person('DorotheaLange1737252821932', 'Dorothea Lange'),
  varda: person('AgnesVarda1737252821933', 'Agnès Varda')
}

const at = '2026-01-15T10:00:00.000Z'

const namedObjects: SampleObject[] = [
  {
    tenant: 'art',
    csid: '87674c8f-296d-4682-a795',
    objectNumber: '2019.12.3',
    title: 'Red Hills and Bones',
    makers: [samplePeople.okeeffe],
    date: '1941',
    updatedAt: at
  },
  {
    tenant: 'art',
    csid: '1a2b3c4d-0001-4000-8001',
    objectNumber: '2020.1.1',
    title: 'Portrait of a Collaboration',
    makers: [samplePeople.okeeffe, samplePeople.stieglitz],
    date: 'circa 1920',
    updatedAt: at
  },
  // A soft-deleted duplicate next to the live record: the original picked the deleted one.
  {
    tenant: 'art',
    csid: 'dead0000-0001-4000-8001',
    objectNumber: '1990.12.3',
    title: 'Untitled (deleted duplicate)',
    makers: [samplePeople.lange],
    deleted: true,
    updatedAt: at
  },
  {
    tenant: 'art',
    csid: 'c0ffee00-0001-4000-8001',
    objectNumber: '1990.12.3',
    title: 'Migrant Mother, Nipomo',
    makers: [samplePeople.lange],
    date: '1936',
    updatedAt: at
  },
  // Two live records with one number: ambiguous, must never be guessed.
  { tenant: 'art', csid: 'a0000001-0001-4000-8001', objectNumber: '2001.5.1', title: 'Study A', makers: [samplePeople.morris], updatedAt: at },
  { tenant: 'art', csid: 'a0000002-0001-4000-8001', objectNumber: '2001.5.1', title: 'Study B', makers: [samplePeople.morris], updatedAt: at },
  // `2024.1.2` must not match `2024.1.2.5` (RS and naive searches match runs of tokens).
  {
    tenant: 'art',
    csid: 'b0000001-0001-4000-8001',
    objectNumber: '2024.1.2',
    title: 'Bowl',
    makers: [samplePeople.grooms],
    date: 'March 5, 2024',
    earliest: { year: 2024, month: 3, day: 5 },
    updatedAt: at
  },
  { tenant: 'art', csid: 'b0000002-0001-4000-8001', objectNumber: '2024.1.2.5', title: 'Bowl lid', makers: [samplePeople.grooms], updatedAt: at },
  // A number with an apostrophe: has to reach CS escaped and still match exactly.
  { tenant: 'art', csid: 'e0000001-0001-4000-8001', objectNumber: "1985.4'b", title: 'Fragment b', makers: [samplePeople.morris], updatedAt: at },
  {
    tenant: 'film',
    csid: 'f1100000-0001-4000-8001',
    objectNumber: 'F-1972-03',
    title: 'Daguerréotypes',
    makers: [samplePeople.varda],
    date: '1976',
    updatedAt: at
  },
  {
    tenant: 'film',
    csid: 'f1100000-0002-4000-8001',
    objectNumber: 'F-1962-01',
    title: 'Cléo de 5 à 7',
    makers: [samplePeople.varda],
    date: '1962',
    updatedAt: at
  }
]

/** Plain objects that make up the rest of the collection: `2018.3.N`. */
const plainObjects: SampleObject[] = Array.from({ length: 30 }, (_, i) => ({
  tenant: 'art' as const,
  csid: `5a000000-${String(i + 1).padStart(4, '0')}-4000-8001`,
  objectNumber: `2018.3.${i + 1}`,
  title: `Sketchbook page ${i + 1}`,
  makers: [i % 2 === 0 ? samplePeople.lange : samplePeople.stieglitz],
  date: String(1930 + i),
  updatedAt: at
}))

export const sampleObjects: SampleObject[] = [...namedObjects, ...plainObjects]

const all: SampleSize[] = ['thm', 'pre', 'scr']

const namedResources: SampleResource[] = [
  { ref: 1, resourceType: 1, accessionNumber: '2019.12.3', originalFilename: 'okeeffe_red_hills.tif', sizes: all },
  { ref: 2, resourceType: 1, accessionNumber: '2020.1.1', originalFilename: 'collab_portrait.tif', sizes: all },
  // Number only in the filename: bampfa_1990-12-3_1.tif → 1990.12.3 (the deleted duplicate must be skipped).
  { ref: 3, resourceType: 1, originalFilename: 'bampfa_1990-12-3_1.tif', sizes: all },
  { ref: 4, resourceType: 1, accessionNumber: '2001.5.1', originalFilename: 'study.tif', sizes: all },
  { ref: 5, resourceType: 1, accessionNumber: '2024.1.2', originalFilename: 'bowl.tif', sizes: all },
  { ref: 6, resourceType: 1, accessionNumber: '1999.99.99', originalFilename: 'unknown_object.tif', sizes: all },
  { ref: 7, resourceType: 1, originalFilename: 'IMG_0042.tif', sizes: all },
  // RS made no derivatives: downloads answer the placeholder PNG.
  { ref: 8, resourceType: 1, accessionNumber: '2018.3.1', originalFilename: 'no_preview.tif', sizes: [] },
  // `_6.jpg` files must not be shown publicly (media rule).
  { ref: 9, resourceType: 1, originalFilename: 'bampfa_2018-3-2_6.jpg', sizes: all },
  { ref: 10, resourceType: 1, accessionNumber: "1985.4'b", originalFilename: 'fragment_b.tif', sizes: all },
  // Only a thumbnail exists: the size preference list falls through to it.
  { ref: 11, resourceType: 1, accessionNumber: '2018.3.3', originalFilename: 'thumb_only.tif', sizes: ['thm'] },
  // Already synced: the nightly run leaves it alone.
  { ref: 12, resourceType: 1, accessionNumber: '2018.3.4', originalFilename: 'synced_already.tif', sizes: all, synced: 'true' },
  // A document: no instance takes resource type 2.
  { ref: 13, resourceType: 2, accessionNumber: '2018.3.5', originalFilename: 'condition_report.pdf', sizes: ['thm'] },
  // Film stills sharing one film id, and a poster.
  { ref: 14, resourceType: 3, accessionNumber: 'F-1972-03', originalFilename: 'daguerreotypes_still_1.tif', group: 'F-1972-03', sizes: all },
  { ref: 15, resourceType: 3, accessionNumber: 'F-1972-03', originalFilename: 'daguerreotypes_still_2.tif', group: 'F-1972-03', sizes: all },
  { ref: 16, resourceType: 3, accessionNumber: 'F-1972-03', originalFilename: 'daguerreotypes_still_3.tif', group: 'F-1972-03', sizes: ['pre', 'thm'] },
  { ref: 17, resourceType: 4, accessionNumber: 'F-1962-01', originalFilename: 'cleo_poster.tif', sizes: all }
]

/** The rest of the art collection: resources 18–50 on objects 2018.3.5 … (some via the filename), and 51. */
const plainResources: SampleResource[] = Array.from({ length: 33 }, (_, i) => {
  const n = (i % 26) + 5
  const ref = 18 + i
  return i % 3 === 0
    ? { ref, resourceType: 1, originalFilename: `bampfa_2018-3-${n}_${(i % 4) + 1}.tif`, sizes: all }
    : { ref, resourceType: 1, accessionNumber: `2018.3.${n}`, originalFilename: `page_${n}_${ref}.tif`, sizes: all }
})

/** A small JPEG scan: RS makes no `scr` for an original smaller than its box, so `pre` is pushed. */
const smallScan: SampleResource = {
  ref: 51,
  resourceType: 1,
  accessionNumber: '2018.3.30',
  originalFilename: 'small_scan.jpg',
  sizes: [],
  original: { width: 1000, height: 700 }
}

export const sampleResources: SampleResource[] = [...namedResources, ...plainResources, smallScan]

/**
 * RS metadata fields of the sample museum, as RS defines them (ref, shortname, type).
 * Types: 0 text, 3 dropdown, 4 date. Field 89 is the option-list synced flag.
 */
export const sampleFields = [
  { ref: 8, name: 'title', title: 'Title', type: 0 },
  { ref: 12, name: 'date', title: 'Date', type: 4 },
  { ref: 51, name: 'originalfilename', title: 'Original filename', type: 0 },
  { ref: 88, name: 'accessionnumber', title: 'Accession number', type: 0 },
  { ref: 89, name: 'synced', title: 'Synced to CollectionSpace', type: 3, options: ['true', 'false'] },
  { ref: 90, name: 'cspaceurl', title: 'CollectionSpace record', type: 0 },
  { ref: 91, name: 'spacelinkstatus', title: 'spacelink status', type: 0 },
  { ref: 92, name: 'creator', title: 'Creator', type: 0 },
  { ref: 95, name: 'filmid', title: 'Film id', type: 0 }
] as const
