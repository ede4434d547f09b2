/**
 * `config check --online` against the simulators: what museum IT reads before the first night. Each
 * finding names the field or permission and says what is wrong in RS's own terms.
 */
import t, { type Test } from 'tap'
import { onlineCheck, findingsTable, type Finding } from '../../../src/diagnostics/online-check.js'
import { createUpstreams } from '../../../src/clients/upstreams.js'
import { demoConfigFor } from '../../../src/demo/demo-config.js'
import { startResourceSpaceSimulator, type RsSimulatorOptions } from '../../../src/simulators/resourcespace/index.js'
import { startCollectionSpaceSimulator } from '../../../src/simulators/collectionspace/index.js'
import type { Config } from '../../../src/config/schema.js'

async function check (
  t: Test,
  rsOpts: RsSimulatorOptions = {},
  configure: (c: Config) => void = () => {},
  before: (rs: Awaited<ReturnType<typeof startResourceSpaceSimulator>>) => void = () => {}
): Promise<Finding[]> {
  const rs = await startResourceSpaceSimulator(rsOpts)
  const cs = await startCollectionSpaceSimulator()
  t.teardown(async () => { await Promise.all([rs.close(), cs.close()]) })
  before(rs)
  const config = demoConfigFor({ rs, cs }, { databaseUrl: 'sqlite::memory:' })
  configure(config)
  const upstreams = createUpstreams(config)
  t.teardown(upstreams.close)
  const findings = await onlineCheck(config, upstreams.rs, upstreams.cs)
  t.notOk('get_resource_type_fields' in rs.state().calls, 'no admin-only RS function is needed to check')
  t.same(rs.state().writes, [], 'nothing is written into RS')
  t.same(cs.state().writes, [], 'nothing is written into CS')
  return findings
}

const problems = (findings: Finding[]): Finding[] => findings.filter(f => f.verdict === 'problem')

t.test('the demo configuration against the sample museum: no problems', async t => {
  const findings = await check(t)
  t.same(problems(findings), [])
  t.ok(findings.some(f => f.subject === 'instance art mapping[1] → 12' && f.verdict === 'ok' && /date field 'Date'/.test(f.detail)))
  t.ok(findings.some(f => f.subject === 'RS permission a' && f.verdict === 'ok'), 'the least-privilege user is fine')
  t.match(findingsTable(findings).split('\n')[0], /^OK +RS +http:\/\/127\.0\.0\.1:\d+\/api\/ answers as user 'spacelink'$/)
})

t.test('a broken field, a missing option, a free-text date mapping and a missing permission are each named', async t => {
  const findings = await check(t, { permissions: 's,g,c,e-2,e-1,e1,v,f*,F91' }, c => {
    const art = c.instances.art
    if (art === undefined) return
    art.mapping[1] = {
      rsField: 12,
      cs: 'collectionobjects_common/objectProductionDateGroupList/objectProductionDateGroup/dateDisplayDate',
      join: '; ',
      blankWhenEmpty: false
    }
    art.mapping.push({ rsField: 'nosuchfield', cs: 'collectionobjects_common/objectNumber', join: '; ', blankWhenEmpty: false })
    art.mapping.push({ rsField: 95, cs: 'collectionobjects_common/objectNumber', join: '; ', blankWhenEmpty: false })
  }, rs => {
    const synced = rs.store.fields.get(89)
    if (synced !== undefined) synced.options.splice(1)
  })
  const about = (subject: string): string => problems(findings).filter(f => f.subject.startsWith(subject)).map(f => f.detail).join(' | ')
  t.match(
    about('instance art mapping[1]'),
    /free-text date part 'dateDisplayDate' into an RS date field.*'ca\. 1950'.*objectProductionDateGroup/,
    'the date mapping RS would erase'
  )
  t.match(about('instance art mapping[3] → nosuchfield'), /no field nosuchfield/)
  t.match(about('instance art mapping[4] → 95'), /no field 95 on resource types 1/, 'a field that does not apply to the instance\'s type')
  t.match(about('instance art field synced'), /lacks the option\(s\) false/)
  t.match(about('instance film field synced'), /lacks the option\(s\) false/)
  t.match(about('RS permission e0'), /may not edit active resources/)
  t.match(about('instance art RS permission F91'), /may not edit 'spacelink status' \(91\), which spacelink writes/)
  t.match(about('instance film RS permission F91'), /may not edit 'spacelink status'/)
  t.equal(problems(findings).length, 8)
})

t.test('a group that may edit no field (F*) is caught, and so are fields given by shortname', async t => {
  const findings = await check(t, { permissions: 's,g,c,e0,e-2,e-1,v,f*,F*,F-89' })
  const denied = problems(findings).filter(f => /RS permission F/.test(f.subject)).map(f => f.subject)
  t.ok(denied.includes('instance art RS permission F91'), 'status')
  t.ok(denied.includes('instance art RS permission F8'), 'the title, mapped by its shortname')
  t.notOk(denied.includes('instance art RS permission F89'), 'F-89 allows the synced field')
})

t.test('RS unreachable or refusing the key: said first, and CS is still checked', async t => {
  const findings = await check(t, {}, c => { c.resourcespace.key = 'wrong-key' })
  t.match(problems(findings), [{ subject: 'RS', detail: /401.*RS user and API key/ }])
  t.ok(findings.some(f => f.subject === 'CS art' && f.verdict === 'ok'))
})
