import t from 'tap'
import { close, entry, open } from '../../../src/resourcesync/xml.js'
import { parseRsDocument } from '../../helpers/resourcesync-walker.js'

t.test('values that come from RS or the config are escaped, and the root rs:ln and rs:md come first', async t => {
  const loc = "http://x/records/7-x'y&z<w>.json"
  const xml = open('urlset', { capability: 'resourcelist', at: '2025-01-01T00:00:00.000Z' }, [{ rel: 'up', href: 'http://x/cl.xml?a=1&b="2"' }]) +
    entry('urlset', { loc, lastmod: '2025-01-01T00:00:00.000Z', md: { hash: 'md5:00', length: 3, type: 'application/json', change: undefined } }) +
    close('urlset')
  t.notMatch(xml, /x'y&z</, 'nothing raw')
  t.notMatch(xml, /change=/, 'undefined attributes are left out')
  const problems: string[] = []
  const doc = parseRsDocument('http://x/rl.xml', xml, problems)
  t.same(problems.filter(p => !/hash=/.test(p)), [], 'well-formed, in order')
  t.equal(doc?.entries[0]?.loc, loc, 'and reads back as the same value')
  t.equal(doc?.ln[0]?.href, 'http://x/cl.xml?a=1&b="2"')
  t.ok(xml.indexOf('<rs:ln') < xml.indexOf('<rs:md') && xml.indexOf('<rs:md') < xml.indexOf('<url>'))
})
