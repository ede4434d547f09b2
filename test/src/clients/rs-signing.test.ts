import { createHash } from 'node:crypto'
import t from 'tap'
import { buildRsQuery, signedRsQuery, signRsQuery } from '../../../src/clients/rs-signing.js'
import { encodeQueryComponent as encodeRsComponent } from '../../../src/util/url.js'

// Worked examples of docs/resourcespace-api.md §Signing (key `testkey123`, hashes computed with sha256sum).
const key = 'testkey123'

t.test('the documented worked examples give the exact documented signatures', async (t) => {
  const fieldData = buildRsQuery('spacelink', 'get_resource_field_data', [['resource', 42]])
  t.equal(fieldData, 'user=spacelink&function=get_resource_field_data&resource=42')
  t.equal(signRsQuery(key, fieldData), 'a3a1af6b1da1a97b45377be6cd9cae6fbc71eaadb2f9afcbfe9b53783af40597')

  const search = buildRsQuery('spacelink', 'do_search', [
    ['search', '!empty101'], ['restypes', '13'], ['archive', '0'], ['fetchrows', '0,100'], ['order_by', 'resourceid'], ['sort', 'asc']
  ])
  t.equal(search, 'user=spacelink&function=do_search&search=%21empty101&restypes=13&archive=0&fetchrows=0%2C100&order_by=resourceid&sort=asc')
  t.equal(signRsQuery(key, search), '32030655569831f14e4736c5ab5a7de7aecb6a1d68ecb76fe83c993de7dbce87')
})

t.test('the signature is lowercase hex sha256 of key + query, appended last', async (t) => {
  const query = 'user=spacelink&function=get_system_status&basic=1'
  const expected = createHash('sha256').update(key + query).digest('hex')
  t.equal(signRsQuery(key, query), expected)
  t.match(signRsQuery(key, query), /^[0-9a-f]{64}$/)
  t.equal(signedRsQuery(key, query), `${query}&sign=${expected}`)
  t.notOk(signedRsQuery(key, query).includes('pretty'), 'pretty is never part of what is signed')
})

t.test('every value is percent-encoded so nothing on the way has a reason to re-encode it', async (t) => {
  t.equal(encodeRsComponent("a b+c&d=e#f!g'h(i)j*k/l,m"), 'a%20b%2Bc%26d%3De%23f%21g%27h%28i%29j%2Ak%2Fl%2Cm')
  t.equal(encodeRsComponent('Agnès'), 'Agn%C3%A8s')
  t.equal(encodeRsComponent('2018.3-1_x~'), '2018.3-1_x~', 'unreserved characters stay bare')

  const value = "Morris, Perry(Pete) & O'Keeffe #1 + 50%\nline 2"
  const query = buildRsQuery('spacelink', 'update_field', [['resource', 5], ['field', 91], ['value', value]])
  t.match(query, /^[A-Za-z0-9\-._~%=&]+$/, 'only unreserved characters, % escapes and separators are sent')
  t.equal(new URLSearchParams(query).get('value'), value, 'the server decodes exactly the value that was meant')
})

t.test('parameters keep the order given after user and function', async (t) => {
  const query = buildRsQuery('spacelink', 'get_resource_path', [['ref', 2], ['size', 'scr'], ['generate', 0], ['extension', 'jpg']])
  t.equal(query, 'user=spacelink&function=get_resource_path&ref=2&size=scr&generate=0&extension=jpg')
  const reordered = 'user=spacelink&function=get_resource_path&size=scr&ref=2&generate=0&extension=jpg'
  t.not(signRsQuery(key, query), signRsQuery(key, reordered), 'RS signs the order as sent, so order changes the signature')
})
