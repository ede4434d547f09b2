/** `spacelink demo`: the main job on embedded defaults, and the configuration it leaves for the CLI. */
import { join } from 'node:path'
import t from 'tap'
import { demoInstructions, demoKeys, startDemo } from '../../src/demo/start-demo.js'
import { spacelink, tempDir } from '../helpers/cli.js'

t.test('the demo starts: /health and /ready answer 200', async t => {
  const dir = await tempDir(t)
  const demo = await startDemo({ port: 0, databaseUrl: `sqlite:${join(dir, 'demo.db')}` })
  t.teardown(() => demo.close())
  t.match(demo.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  const health = await fetch(`${demo.url}/health`)
  t.equal(health.status, 200)
  const ready = await fetch(`${demo.url}/ready`)
  t.equal(ready.status, 200)
  const validate = await fetch(
    `${demo.url}/api/v1/callback?rsid=1&query_type=validate-cspace-id`,
    { method: 'POST', headers: { 'x-api-key': demoKeys.button, accept: 'application/json' } }
  )
  t.equal(validate.status, 200, 'a button works against the demo')
  t.equal((await validate.json() as { outcome: string }).outcome, 'valid')
})

t.test('the demo writes its configuration for the CLI and says how to use it', async t => {
  const dir = await tempDir(t)
  const demo = await startDemo({ port: 0, databaseUrl: `sqlite:${join(dir, 'demo.db')}` })
  t.teardown(() => demo.close())
  t.equal(demo.configFile, join(dir, 'spacelink.demo.json'))
  const instructions = demoInstructions(demo)
  t.match(instructions, `npm run spacelink -- sync art --config ${demo.configFile}`)
  t.match(instructions, `the status page (sign in with the admin key): what needs attention, recent actions, sync runs:\n  ${demo.url}/\n`)
  const status = await fetch(`${demo.url}/`, { headers: { accept: 'text/html' }, redirect: 'manual' })
  t.equal(status.headers.get('location'), `${demo.url}/login?next=%2F`, 'the status page asks for the sign-in, on the demo\'s own address')
  const ran = await spacelink(['--config', demo.configFile, 'validate', 'art', '1'])
  t.equal(ran.code, 0, ran.stderr)
  t.match(ran.stdout, /^valid: accession number 2019\.12\.3/, 'the CLI reaches the demo\'s simulators with that file')
})
