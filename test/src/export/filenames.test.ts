/** Download names and archive paths made from museum data are safe on every OS and keep what they can. */
import t from 'tap'
import { contentDisposition, encodeRfc8187, packageFilename, safeSegment } from '../../../src/export/filenames.js'
import { gzipFlag, packageFormat } from '../../../src/export/formats.js'
import { sourceUrl } from '../../../src/export/source-url.js'
import type { Config } from '../../../src/config/schema.js'

t.test('plain accession numbers pass unchanged', async t => {
  t.same(packageFilename('2019.12.3', 1, 'zip'), { ascii: '2019.12.3-rs1.zip', unicode: '2019.12.3-rs1.zip' })
  t.equal(packageFilename("1985.4'b", 10, 'tar.gz').ascii, "1985.4'b-rs10.tar.gz")
  t.equal(contentDisposition(packageFilename('2019.12.3', 1, 'zip')), 'attachment; filename="2019.12.3-rs1.zip"', 'no filename* when ASCII says it all')
})

t.test('characters some OS or browser refuses are replaced', async t => {
  const cases: Array<[string, string]> = [
    ['../../etc/passwd', 'etc_passwd'],
    ['a\\b/c', 'a_b_c'],
    ['x<y>z:"q"|?*', 'x_y_z_q'],
    ['50%;off,now', '50_off_now'],
    ['tab\there\nnewline\u0000nul', 'tab_here_newline_nul'],
    ['  spaced  out  ', 'spaced_out'],
    ['.hidden', 'hidden'],
    ['trailing dots...', 'trailing_dots'],
    ['\u202Egnp.exe', 'gnp.exe'],
    ['', 'fallback'],
    ['///', 'fallback']
  ]
  for (const [input, expected] of cases) t.equal(safeSegment(input, 'fallback').ascii, expected, JSON.stringify(input))
})

t.test('Windows device names get a prefix; long names are cut', async t => {
  for (const name of ['CON', 'nul', 'Com1', 'LPT9.jpg', 'aux.tar']) t.equal(safeSegment(name, 'x').ascii, `_${name}`, name)
  t.equal(safeSegment('CONTENT', 'x').ascii, 'CONTENT', 'only the device names themselves')
  t.equal(safeSegment('9'.repeat(300), 'x').ascii.length, 100)
})

t.test('non-ASCII: accents come off for filename, the original goes into filename*', async t => {
  const name = packageFilename('Ǆ/É 1990:7', 60, 'zip')
  t.same(name, { ascii: 'DZ_E_1990_7-rs60.zip', unicode: 'Ǆ_É_1990_7-rs60.zip' })
  t.equal(contentDisposition(name), 'attachment; filename="DZ_E_1990_7-rs60.zip"; filename*=UTF-8\'\'%C7%84_%C3%89_1990_7-rs60.zip')
  t.same(packageFilename('東京 2001', 3, 'tar'), { ascii: '2001-rs3.tar', unicode: '東京_2001-rs3.tar' }, 'what has no ASCII form is dropped from filename')
  t.equal(packageFilename('東京', 3, 'tar').ascii, 'object-rs3.tar', 'and a name with nothing left falls back')
  t.equal(safeSegment('e\u0301', 'x').unicode, 'é', 'normalised to NFC')
  t.equal(encodeRfc8187("it's (a) *test*!"), 'it%27s%20%28a%29%20%2Atest%2A%21', 'only attr-chars stay unencoded')
})

t.test('formats: the extension chooses; ?gzip only turns .tar into .tar.gz; anything else is 406', async t => {
  t.equal(packageFormat('zip').contentType, 'application/zip')
  t.equal(packageFormat('tar').contentType, 'application/x-tar')
  t.equal(packageFormat('tar', true).format, 'tar.gz')
  t.equal(packageFormat('tar.gz').contentType, 'application/gzip')
  t.equal(packageFormat('zip', true).format, 'zip')
  t.throws(() => packageFormat('rar'), { code: 'UNKNOWN_FORMAT', status: 406 })
  t.throws(() => packageFormat('TAR'), { code: 'UNKNOWN_FORMAT' })
  t.same([gzipFlag(undefined), gzipFlag(''), gzipFlag('true'), gzipFlag('false')], [false, true, true, false])
})

t.test('the source URL keeps the query as sent, without credentials', async t => {
  const config = { server: { publicUrl: 'https://spacelink.example.org' } } as unknown as Config
  t.equal(sourceUrl(config, '/api/v1/links/abc/package.tar?gzip'), 'https://spacelink.example.org/api/v1/links/abc/package.tar?gzip')
  t.equal(
    sourceUrl(config, '/api/v1/links/abc/package.zip?key=secret&image=false&KEY=x&hash=h&sign=s'),
    'https://spacelink.example.org/api/v1/links/abc/package.zip?image=false'
  )
  t.equal(
    sourceUrl(config, '/api/v1/links/abc/package.zip?k%65y=secret'),
    'https://spacelink.example.org/api/v1/links/abc/package.zip',
    'an encoded name is still a key'
  )
  t.equal(sourceUrl(config, '/api/v1/links/package.zip?instance=art&key=secret'), 'https://spacelink.example.org/api/v1/links/package.zip?instance=art')
})
