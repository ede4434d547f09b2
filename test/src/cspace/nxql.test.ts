import t from 'tap'
import { nxqlEquals, nxqlString, nxqlTimestamp } from '../../../src/cspace/nxql.js'

t.test('string literals escape backslash, quote and line breaks like NXQL.escapeString', async (t) => {
  t.equal(nxqlString("1985.4'b"), "'1985.4\\'b'")
  t.equal(nxqlString('a\\b'), "'a\\\\b'")
  t.equal(nxqlString("\\'"), "'\\\\\\''", 'a backslash before a quote: both escaped, in that order')
  t.equal(nxqlString('line1\nline2\r'), "'line1\\nline2\\r'")
  t.equal(nxqlString('50% *_"x"'), '\'50% *_"x"\'', 'wildcards and double quotes are literal inside =')
})

t.test('equality checks the field name and escapes the value', async (t) => {
  t.equal(nxqlEquals('collectionobjects_common:objectNumber', "No'Where"), "collectionobjects_common:objectNumber = 'No\\'Where'")
  t.equal(nxqlEquals('collectionobjects_common:titleGroupList/*/title', 'x'), "collectionobjects_common:titleGroupList/*/title = 'x'")
  t.throws(() => nxqlEquals("objectNumber = 'x' OR 1", 'y'), TypeError)
  t.throws(() => nxqlEquals('objectNumber', 'y'), TypeError, 'a field needs its schema')
})

t.test('timestamps use the double-quoted UTC form CS converts', async (t) => {
  t.equal(nxqlTimestamp('2025-01-21T16:21:26.968Z'), 'TIMESTAMP "2025-01-21T16:21:26.968Z"')
  t.equal(nxqlTimestamp('2025-01-21T18:21:26.968+02:00'), 'TIMESTAMP "2025-01-21T16:21:26.968Z"', 'offsets are normalised to UTC')
  t.equal(nxqlTimestamp(new Date(0)), 'TIMESTAMP "1970-01-01T00:00:00.000Z"')
  t.throws(() => nxqlTimestamp('yesterday'), RangeError)
})
