import { readFileSync } from 'node:fs'
import t from 'tap'
import { childText, children, parseXml, rootElement } from '../../../src/cspace/xml.js'
import { displayName, isRefName } from '../../../src/cspace/refname.js'

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/collectionspace/${name}`, import.meta.url), 'utf8')

/** The refName and termDisplayName of the single item of a recorded authority search. */
function recordedTerm (name: string): { refName: string, termDisplayName: string } {
  const item = children(rootElement(parseXml(fixture(name)), 'abstract-common-list'), 'list-item')[0]
  return { refName: childText(item, 'refName') ?? '', termDisplayName: childText(item, 'termDisplayName') ?? '' }
}

t.test('display names from real recordings equal the term display name CS stored', async (t) => {
  for (const file of ['refname-apostrophe-list-real.xml', 'refname-doublequote-list-real.xml']) {
    const { refName, termDisplayName } = recordedTerm(file)
    t.equal(displayName(refName), termDisplayName, file)
  }
  t.equal(recordedTerm('refname-apostrophe-list-real.xml').termDisplayName, "Smith's Appletree Garager", 'the greedy-regex case of the original')
})

t.test('quotes, parentheses and commas inside names survive', async (t) => {
  const person = (display: string): string => `urn:cspace:core.collectionspace.org:personauthorities:name(person):item:name(X1737252792320)'${display}'`
  for (const name of ["Georgia O'Keeffe", 'The "Grand" Canyon', "No'Where", 'Morris, Perry(Pete)', "'quoted'", 'a:b:name(c)', "It's O'Brien's", 'Clark, H. Pol & Mary Gambo']) {
    t.equal(displayName(person(name)), name)
  }
})

t.test('record refNames show their number; a refName without display part stays raw', async (t) => {
  t.equal(displayName("urn:cspace:core.collectionspace.org:collectionobjects:id(87674c8f-296d-4682-a795)'CLIENT.001'"), 'CLIENT.001')
  t.equal(displayName("urn:cspace:core.collectionspace.org:collectionobjects:id(87674c8f-296d-4682-a795)'1985.4'b'"), "1985.4'b")
  const bare = 'urn:cspace:core.collectionspace.org:media:id(2af9b15e-8318-4bfc-a746)'
  t.equal(displayName(bare), bare)
})

t.test('multi-line display names collapse to one line', async (t) => {
  const doc = parseXml(fixture('collectionobject-titles-refnames.xml'))
  const group = children(children(rootElement(doc, 'document')?.collectionobjects_naturalhistory, 'taxonomicIdentGroupList')[0], 'taxonomicIdentGroup')[0]
  t.equal(displayName(childText(group, 'taxon') ?? ''), 'Acer Japonicus')
  t.equal(displayName(childText(group, 'identBy') ?? ''), 'Patrick Schmitz')
})

t.test('legacy refNames', async (t) => {
  t.equal(displayName("urn:cspace:org.collectionspace.demo:personauthority:name(person):person:name(pschmitz)'Patrick Schmitz'"), 'Patrick Schmitz')
  t.equal(
    displayName("urn:cspace:org.collectionspace.demo:personauthority:name(X)'X Authority':person:name(y)'Y Name'"),
    'Y Name',
    'the authority name in the middle is skipped'
  )
  const noDisplay = "urn:cspace:org.collectionspace.demo:personauthority:name(X)'X':person:name(y)"
  t.equal(displayName(noDisplay), noDisplay)
})

t.test('plain values and option-list ids are returned as they are', async (t) => {
  t.equal(displayName('antiquities'), 'antiquities')
  t.equal(displayName("O'Keeffe"), "O'Keeffe")
  t.equal(displayName(''), '')
  t.equal(displayName("urn:cspace:x:y:name(z):item:name(a)''"), '', 'an empty display part is an empty name (as in the documented rule)')
  t.ok(isRefName(' urn:cspace:core:x:id(1)'))
  t.notOk(isRefName('antiquities'))
})
