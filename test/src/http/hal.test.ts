import t from 'tap'
import { halCollection } from '../../../src/http/hal.js'
import { absoluteUrl } from '../../../src/util/url.js'

t.test('absolute links keep the public URL\'s path prefix', async t => {
  t.equal(absoluteUrl('https://museum.org/spacelink', '/api/v1/links'), 'https://museum.org/spacelink/api/v1/links')
  t.equal(absoluteUrl('https://museum.org/spacelink/', 'api/v1/links'), 'https://museum.org/spacelink/api/v1/links')
  t.equal(absoluteUrl('http://localhost:3000', '/api/v1/links'), 'http://localhost:3000/api/v1/links')
  const page = halCollection({ publicUrl: 'https://museum.org/spacelink', path: '/api/v1/links', name: 'links', items: [], total: 0, paging: { page: 0, size: 20 } })
  t.match(page._links, { self: { href: 'https://museum.org/spacelink/api/v1/links?page=0&size=20' } })
})
