import t from 'tap'
import {
  changeListPartName,
  compactTime,
  discoveryLink,
  documentUrl,
  parseDocumentName,
  parseRecordName,
  recordName,
  recordUrl,
  resourceListPartName,
  wellKnownUrl
} from '../../../src/resourcesync/urls.js'

t.test('the Source Description is at the host root; everything else under the public URL, prefix included', async t => {
  for (const publicUrl of ['https://museum.org/spacelink', 'https://museum.org/spacelink/']) {
    t.equal(wellKnownUrl(publicUrl), 'https://museum.org/.well-known/resourcesync')
    t.equal(discoveryLink(publicUrl), '<https://museum.org/.well-known/resourcesync>; rel="resourcesync"')
    t.equal(documentUrl(publicUrl, 'art', 'capabilitylist.xml'), 'https://museum.org/spacelink/resourcesync/art/capabilitylist.xml')
    t.equal(recordUrl(publicUrl, 'art', { rsid: 42, size: 'scr' }), 'https://museum.org/spacelink/resourcesync/art/records/42-scr.json')
  }
  t.equal(wellKnownUrl('http://localhost:3000'), 'http://localhost:3000/.well-known/resourcesync')
})

t.test('record names round-trip, whatever the size code', async t => {
  for (const key of [{ rsid: 1, size: 'scr' }, { rsid: 123456, size: 'a-b' }, { rsid: 7, size: "x'y z/&" }]) {
    const name = recordName(key)
    t.notMatch(name, /[/ &?#]/, `${name}: one path segment`)
    t.same(parseRecordName(decodeURIComponent(name)), key)
  }
  for (const bad of ['0-scr.json', '-scr.json', '12.json', '12-scr.xml', 'abc-scr.json', '12-.json']) t.equal(parseRecordName(bad), undefined, bad)
})

t.test('part names sort by time and parse back', async t => {
  t.equal(compactTime('2025-03-02T02:00:30.123Z'), '20250302T020030Z')
  const names = [
    changeListPartName('2025-03-02T02:00:30.123Z', 1),
    changeListPartName('2025-03-02T02:00:30.999Z', 2),
    changeListPartName('2025-03-02T02:00:31.000Z', 3),
    changeListPartName('2025-12-01T00:00:00.000Z', 10)
  ]
  t.same([...names].sort(), names, 'in time order when sorted as text')
  t.same(parseDocumentName(names[3]!), { kind: 'changelist-part', stamp: '20251201T000000Z', part: 10 })
  t.same([resourceListPartName(42, 10), resourceListPartName(42, 2)].sort(), [resourceListPartName(42, 2), resourceListPartName(42, 10)])
  t.same(parseDocumentName(resourceListPartName(42, 3)), { kind: 'resourcelist-part', asOf: 42, part: 3 })
  t.same(parseDocumentName('changelist.xml'), { kind: 'changelist' })
  for (const bad of ['resourcelist-42-3.xml', 'changelist-2025-00001.xml', 'sitemap.xml', 'capabilitylist.xml.bak']) t.equal(parseDocumentName(bad), undefined, bad)
})
