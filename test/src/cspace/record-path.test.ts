import { readFileSync } from 'node:fs'
import t from 'tap'
import { parseXml, rootElement } from '../../../src/cspace/xml.js'
import { rawValuesAt, valuesAt } from '../../../src/cspace/record-path.js'

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/collectionspace/${name}`, import.meta.url), 'utf8')

t.test('collectionobject-get.xml: single values, repeating scalars, empty groups', async (t) => {
  const parsed = parseXml(fixture('collectionobject-get.xml'))
  const doc = rootElement(parsed, 'document')
  t.same(valuesAt(doc, 'collectionobjects_common/objectNumber'), ['2'])
  t.same(valuesAt(parsed, 'collectionobjects_common/objectNumber'), ['2'], 'the whole parsed tree works too')
  t.same(valuesAt(doc, 'collectionobjects_common/objectNameList/objectNameGroup/objectName'), ['new OBJNAME'])
  t.same(valuesAt(doc, 'collectionobjects_common/comments/comment'), ['new COMMENTS™ éå'])
  t.same(valuesAt(doc, 'collectionobjects_common/titleGroupList/titleGroup/title'), [], 'an empty <titleGroupList/> has no values')
  t.same(valuesAt(doc, 'collectionobjects_common/fieldCollectionDateGroup/dateDisplayDate'), [], 'empty scaffold fields are dropped')
  t.same(rawValuesAt(doc, 'collectionobjects_common/fieldCollectionDateGroup/dateDisplayDate'), [''], 'but exist raw')
  t.same(valuesAt(doc, 'collectionspace_core/workflowState'), ['deleted'])
  t.same(valuesAt(doc, 'collectionobjects_common/doesNotExist'), [])
  t.same(valuesAt(doc, 'no_such_part/objectNumber'), [])
})

t.test('collectionobject-titles-refnames.xml: nested groups and refNames', async (t) => {
  const doc = parseXml(fixture('collectionobject-titles-refnames.xml'))
  t.same(valuesAt(doc, 'collectionobjects_common/titleGroupList/titleGroup/title'), ['This is a nice Object'])
  t.same(valuesAt(doc, 'collectionobjects_common/titleGroupList/titleGroup/titleLanguage'), ['English'])
  t.same(
    valuesAt(doc, 'collectionobjects_common/titleGroupList/titleGroup/titleTranslationSubGroupList/titleTranslationSubGroup/titleTranslationLanguage'),
    ['German']
  )
  t.same(valuesAt(doc, 'collectionobjects_naturalhistory/taxonomicIdentGroupList/taxonomicIdentGroup/taxon'), ['Acer Japonicus'])
  t.same(valuesAt(doc, 'collectionobjects_common/responsibleDepartments/responsibleDepartment'), ['antiquities'], 'option-list ids stay as they are')
  t.match(rawValuesAt(doc, 'collectionobjects_common/titleGroupList/titleGroup/titleLanguage')[0], /^urn:cspace:/)
})

t.test('every repeated value, in document order, from any namespace prefix', async (t) => {
  const doc = parseXml(`<document name="collectionobjects">
    <ns3:collectionobjects_common xmlns:ns3="http://collectionspace.org/services/collectionobject">
      <objectProductionPersonGroupList>
        <objectProductionPersonGroup><objectProductionPerson>urn:cspace:core.collectionspace.org:personauthorities:name(person):item:name(GeorgiaOKeeffe1)'Georgia O'Keeffe'</objectProductionPerson></objectProductionPersonGroup>
        <objectProductionPersonGroup><objectProductionPerson></objectProductionPerson></objectProductionPersonGroup>
        <objectProductionPersonGroup><objectProductionPerson>urn:cspace:core.collectionspace.org:personauthorities:name(person):item:name(AlfredStieglitz1)'Alfred Stieglitz'</objectProductionPerson></objectProductionPersonGroup>
      </objectProductionPersonGroupList>
      <briefDescriptions><briefDescription>first</briefDescription><briefDescription>second</briefDescription></briefDescriptions>
    </ns3:collectionobjects_common>
  </document>`)
  t.same(
    valuesAt(doc, 'collectionobjects_common/objectProductionPersonGroupList/objectProductionPersonGroup/objectProductionPerson'),
    ["Georgia O'Keeffe", 'Alfred Stieglitz']
  )
  t.same(valuesAt(doc, '/collectionobjects_common/briefDescriptions/briefDescription/'), ['first', 'second'], 'stray slashes are ignored')
  t.same(valuesAt(doc, ''), [])
  t.same(valuesAt(undefined, 'collectionobjects_common/objectNumber'), [], 'no document, no values')
})
