import t from 'tap'
import { join } from 'node:path'
import { accessionFromFilename } from '../../../src/config/accession-from-filename.js'
import { loadConfig } from '../../../src/config/load.js'
import type { InstanceConfig } from '../../../src/config/schema.js'

// The rules of the reference example, loaded from it so the test follows the file.
const example = loadConfig({
  path: join(import.meta.dirname, '../../../spacelink.example.yaml'),
  env: {
    RS_API_KEY: 'k',
    RS_WEBHOOK_SECRET: 's',
    SPACELINK_BUTTON_KEY: 'button-key-0123456789',
    SPACELINK_ADMIN_KEY: 'admin-key-0123456789',
    CS_ART_USER: 'u',
    CS_ART_PASSWORD: 'p',
    CS_FILM_USER: 'u',
    CS_FILM_PASSWORD: 'p'
  }
})
const art = example.instances.art!
const film = example.instances.film!

t.test('the example turns BAMPFA filenames into accession numbers', async (t) => {
  t.equal(accessionFromFilename(art, 'bampfa_1990-12-3_2.jpg'), '1990.12.3')
  t.equal(accessionFromFilename(art, 'bampfa_2001-a-b_1.jpg'), '2001.a-b', 'a run of lower-case letters keeps its hyphen')
  t.equal(accessionFromFilename(art, 'bampfa_1985-4_6.jpeg'), '1985.4')
  t.equal(accessionFromFilename(art, 'bampfa_EL-2004-7_1.tif'), 'EL.2004.7', 'capitals are not letter runs')
})

t.test('no accession number when the name does not match or the instance has no pattern', async (t) => {
  t.equal(accessionFromFilename(art, 'IMG_0042.jpg'), undefined)
  t.equal(accessionFromFilename(art, 'bampfa_1990-12-3.jpg'), undefined, 'the pattern needs the trailing _')
  t.equal(accessionFromFilename(film, 'bampfa_1990-12-3_2.jpg'), undefined)
})

t.test('without a capture group the whole match is the number; an empty result is no number', async (t) => {
  const instance = (pattern: string, replace: Array<[string, string]> = []): Pick<InstanceConfig, 'accessionNumber'> =>
    ({ accessionNumber: { fromField: false, fromFilename: { pattern, replace } } })
  t.equal(accessionFromFilename(instance('\\d{4}_\\d+'), 'scan 1990_12 v2.jpg'), '1990_12')
  t.equal(accessionFromFilename(instance('\\d{4}_\\d+', [['_', '.']]), 'scan 1990_12 v2.jpg'), '1990.12')
  t.equal(accessionFromFilename(instance('^x(\\d*)_'), 'x_1.jpg'), undefined)
})
