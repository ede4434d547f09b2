/** The CLI against the simulators: migrate, sync with its summary table, single actions and their exit codes. */
import t from 'tap'
import { simulatorsWithConfigFile, spacelink } from '../helpers/cli.js'

t.test('against the simulators: sync --limit 5 prints the summary table; validate prints valid; a failure outcome exits 1', async t => {
  const { rs, cs, file } = await simulatorsWithConfigFile(t)

  const migrated = await spacelink(['--config', file, 'migrate'])
  t.equal(migrated.code, 0, migrated.stderr)
  t.match(migrated.stdout, /^applied \S+/)
  const again = await spacelink(['--config', file, 'migrate'])
  t.equal(again.stdout, 'database is up to date\n')

  const sync = await spacelink(['--config', file, 'sync', 'art', '--limit', '5'])
  t.equal(sync.code, 0, sync.stderr)
  t.match(sync.stdout, /^sync art: run [0-9a-f-]+ finished in \d+\.\d s, 5 item\(s\), 8 at a time$/m)
  t.match(sync.stderr, /^sync progress: \d+\/5 done/m, 'progress lines know the total from the start')
  t.notMatch(sync.stderr, /sync progress: \d+\/[0-46-9] /, 'the total never grows')
  t.match(sync.stdout, /^outcome\s+count$/m)
  t.match(sync.stdout, /^ambiguous\s+1$/m)
  t.match(sync.stdout, /^pushed\s+4$/m)
  t.match(sync.stdout, /^rsid\s+accession number\s+outcome\s+reason$/m, 'a failure table')
  t.match(sync.stdout, /^4\s+2001\.5\.1\s+ambiguous\s+ambiguous: accession number 2001\.5\.1 matches 2/m, 'the failure with its reason')
  t.equal(cs.state('art').media.length, 4, 'four media in CS')

  const validate = await spacelink(['--config', file, 'validate', 'art', '1'])
  t.equal(validate.code, 0, validate.stderr)
  t.match(validate.stdout, /^valid: /)
  t.match(validate.stdout, /2019\.12\.3/)
  t.match(validate.stdout, /^transaction [0-9a-f-]+$/m)

  const ambiguous = await spacelink(['--config', file, 'validate', 'art', '4'])
  t.equal(ambiguous.code, 1, 'an ambiguous number is a failed command: a script must notice')
  t.match(ambiguous.stdout, /^ambiguous: accession number 2001\.5\.1 matches 2/)
  t.notMatch(ambiguous.stdout, /ambiguous: ambiguous/, 'the outcome word once')
  const push = await spacelink(['--config', file, 'push', 'art', '4'])
  t.equal(push.code, 1, 'push on an ambiguous number exits 1')
  t.equal(cs.state('art').media.length, 4, 'and pushes nothing')

  const online = await spacelink(['--config', file, 'config', 'check', '--online'])
  t.equal(online.code, 0, online.stderr)
  t.match(online.stdout, /^OK +RS permission a +no system setup rights/m)
  t.match(online.stdout, /^OK +instance art mapping\[1\] → 12 +date field 'Date'/m)
  t.match(online.stdout, /^online check: no problems$/m)

  const nosuch = await spacelink(['--config', file, 'sync', 'nosuch'])
  t.not(nosuch.code, 0)
  t.match(nosuch.stderr, /no CollectionSpace instance named 'nosuch'/)
  t.equal(nosuch.stdout, '')

  rs.faults.add({ match: () => true, kind: 'status', status: 503 })
  const down = await spacelink(['--config', file, 'sync', 'art'])
  t.equal(down.code, 1, 'RS down: the run cannot proceed')
  t.match(down.stdout, /^sync art: run [0-9a-f-]+ failed/m)
  t.match(down.stdout, /^error: .*ResourceSpace/im)
})

t.test('sync --serial-calls: one call at a time per upstream for the run, as its summary says, and the items pushed', async t => {
  const { cs, file } = await simulatorsWithConfigFile(t)
  const sync = await spacelink(['--config', file, 'sync', 'art', '--limit', '3', '--serial-calls'])
  t.equal(sync.code, 0, sync.stderr)
  t.match(sync.stdout, /^width items \d+→\d+, rs 1→1, cs:art 1→1$/m, 'every upstream at one call at a time, throughout')
  t.match(sync.stdout, /^pushed\s+3$/m)
  t.equal(cs.state('art').media.length, 3, 'three media in CS')
})
